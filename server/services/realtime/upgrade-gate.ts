import { serverConfig } from '../../utils/config'

// Upgrades this instance handles at once (NUXT_LIMITS_WS_UPGRADES_IN_FLIGHT): from the upgrade
// request (or an in-band `auth` frame) until the socket's `ready` went out or it closed. A
// reconnect storm past the bound is refused at once with 503 and Retry-After, so the sockets
// let in get their `ready` quickly and the senders' acks keep their pace, instead of every
// upgrade (and every send on the same core) being slow together. docs/api-realtime.md, "The
// upgrade", says why; tests/api/upgrade-gate.test.ts proves it.

/** Seconds a refused upgrade is told to wait (Retry-After); clients add jitter. */
export const UPGRADE_RETRY_AFTER_SECONDS = 1
/** A place taken by an upgrade whose socket never opens (the client left) is given back after this. */
const PLACE_HOLD_MS = 15_000

/** Gives the place back; calling it again does nothing. */
export type UpgradePlace = () => void

let inFlight = 0

/** Takes a place for one upgrade, or null when the instance handles its bound already. */
export function enterUpgrade(): UpgradePlace | null {
  if (inFlight >= serverConfig().limits.wsUpgradesInFlight) return null
  inFlight++
  let held = true
  const timer = setTimeout(() => leave(), PLACE_HOLD_MS)
  timer.unref()
  function leave(): void {
    if (!held) return
    held = false
    clearTimeout(timer)
    inFlight--
  }
  return leave
}
