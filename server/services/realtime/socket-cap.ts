import type { PresenceTracker } from './presence'

// The per-user socket cap: at most MAX_SOCKETS_PER_USER open sockets per user, counted on
// every instance (presence shares the counts), places held for accepted upgrades included.

const MAX_SOCKETS_PER_USER = 20
/** How long an accepted upgrade holds its place before its socket opens (one that never opens lets go). */
const PLACE_HOLD_MS = 10_000

export interface SocketCap {
  /**
   * The admission's check (admission.ts, on the upgrade and an in-band `auth` alike): takes a
   * place if there is one. The socket opens a moment later, so the place is held until then:
   * admissions racing on one instance cannot pass the cap together.
   */
  hold: (userId: string) => boolean
  /** The admitted socket opened: it counts as open instead. */
  release: (userId: string) => void
  /** Forgets the places of upgrades that never opened (every heartbeat). */
  forgetExpired: () => void
}

export function createSocketCap(presence: Pick<PresenceTracker, 'socketsEverywhere'>): SocketCap {
  /** user → when each place held for an accepted upgrade lets go. */
  const placesHeld = new Map<string, number[]>()

  function heldPlaces(userId: string): number {
    const now = Date.now()
    const held = (placesHeld.get(userId) ?? []).filter(until => until > now)
    if (held.length > 0) placesHeld.set(userId, held)
    else placesHeld.delete(userId)
    return held.length
  }

  function hasRoom(userId: string): boolean {
    return presence.socketsEverywhere(userId) + heldPlaces(userId) < MAX_SOCKETS_PER_USER
  }

  return {
    hold(userId) {
      if (!hasRoom(userId)) return false
      placesHeld.set(userId, [...(placesHeld.get(userId) ?? []), Date.now() + PLACE_HOLD_MS])
      return true
    },
    release(userId) {
      const held = placesHeld.get(userId)
      held?.shift()
      if (held?.length === 0) placesHeld.delete(userId)
    },
    forgetExpired() {
      for (const userId of [...placesHeld.keys()]) heldPlaces(userId)
    },
  }
}
