import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'

// Overload is answered, not queued. Past its capacity an instance that queued every send
// would hold each for longer and longer (issue 16 measured 2 s p50 at 100 msg/s, growing
// for as long as the load lasted). Two bounds, each answered at once with 503 `unavailable`
// and `Retry-After: 1`: nothing is stored, and the client's outbox resends with the same
// clientId after that second (stores/outbox.ts).
// - Sends in flight (`NUXT_LIMITS_SENDS_IN_FLIGHT`): a send counts until its work really
//   ends, past the request deadline too, so a stalled database does not let more in.
// - Queueing delay (`NUXT_LIMITS_SEND_DELAY_TARGET_MS`): a burst makes some sends slow, a
//   standing queue makes every send slow. So the number of sends let in at once follows
//   their delay, as a congestion window does: a send that took longer than the target
//   lowers it by a tenth (once per target's time: sends slow together are one signal),
//   each faster one raises it by one, between MIN_SENDS_IN_FLIGHT and the bound above.
//   Past capacity it settles where sends take about the target, and the excess is refused
//   at once instead of every send being late by the same growing delay. Fewer in flight
//   also means smaller coalesced commands (models/coalesce.ts), so the bound costs some
//   throughput under overload: docs/benchmarks.md has both sides.
// tests/unit/send-gate.test.ts and tests/api/overload.test.ts prove it; docs/guarantees.md
// says why nothing refused is lost, docs/benchmarks.md what it does to M1-M3.

export interface SendGateSettings {
  sendsInFlight: number
  /** 0: no delay bound. */
  sendDelayTargetMs: number
}

/** However slow sends are, this many are still let in at once (a lone send always is). */
export const MIN_SENDS_IN_FLIGHT = 4
const SLOW_SEND_FACTOR = 0.9

export interface SendGate {
  admit: <T>(store: () => Promise<T>) => Promise<T>
  /** Sends let in at once now (for the tests). */
  limit: () => number
}

export function createSendGate(settings: () => SendGateSettings, now: () => number = () => performance.now()): SendGate {
  let inFlight = 0
  let delayLimit = Infinity
  let loweredAt = -Infinity

  function currentLimit(): number {
    const { sendsInFlight, sendDelayTargetMs } = settings()
    if (sendDelayTargetMs <= 0) return sendsInFlight
    return Math.min(sendsInFlight, Math.max(MIN_SENDS_IN_FLIGHT, Math.floor(delayLimit)))
  }

  function finished(startedAt: number, at: number): void {
    const { sendsInFlight, sendDelayTargetMs } = settings()
    if (sendDelayTargetMs <= 0) return
    const limit = Math.min(delayLimit, sendsInFlight)
    if (at - startedAt <= sendDelayTargetMs) {
      delayLimit = Math.min(sendsInFlight, limit + 1)
    }
    else if (at - loweredAt >= sendDelayTargetMs && startedAt >= loweredAt) {
      // Once per target's time, and only for a send let in since: the sends that were
      // already in flight when it was lowered are slow for the same reason.
      delayLimit = Math.max(MIN_SENDS_IN_FLIGHT, limit * SLOW_SEND_FACTOR)
      loweredAt = at
    }
  }

  return {
    admit<T>(store: () => Promise<T>): Promise<T> {
      if (inFlight >= currentLimit()) {
        return Promise.reject(apiError('unavailable', 'The server is busy; try again in a moment.', { retryAfter: 1 }))
      }
      inFlight++
      const startedAt = now()
      return store().finally(() => {
        inFlight--
        finished(startedAt, now())
      })
    },
    limit: currentLimit,
  }
}

const instanceGate = createSendGate(() => serverConfig().limits)

export function admitSend<T>(store: () => Promise<T>): Promise<T> {
  return instanceGate.admit(store)
}
