import type { Presence } from '../../dto/users'
import { serverConfig } from '../../utils/config'
import { errorName, logger } from '../../utils/logger'
import { chatTopic, instanceId, publish, publishControl, userTopic, type ControlEvent } from './bus'

// Presence: a user is online while at least one of their sockets is open, on any
// instance. Each instance counts its own sockets and tells the others (over the bus)
// each time a user's count changes there, and when the user goes offline there; the
// counts also enforce the per-user socket cap across instances. Nothing is written per
// keystroke or per socket: only `lastSeenAt`, once, when the user's last socket closes.

/** How long after the last socket closes the user is announced offline (a reload reconnects within it). */
const OFFLINE_GRACE_MS = 2_000

export interface PresenceDeps {
  /** The chats whose members hear that the user came or went. */
  chatIdsOf: (userId: string) => Promise<string[]>
  /** Stores when the user's last socket closed. */
  persistLastSeen: (userId: string, at: Date) => Promise<void>
}

/** Presence news between instances (they travel over the bus). */
export type PresenceEvent = Extract<ControlEvent, { type: '$presence' | '$presence-sync' | '$alive' }>

export interface PresenceTracker {
  /** A stored user's presence as this instance knows it (the DTOs take it as an argument). */
  of: (user: { _id: unknown, lastSeenAt?: Date | null }) => Presence
  socketOpened: (userId: string) => void
  socketClosed: (userId: string) => void
  /** The user's open sockets on every instance (the per-user cap counts them). */
  socketsEverywhere: (userId: string) => number
  /** Everyone with an open socket on some instance (whom `@here` addresses). */
  onlineUserIds: () => string[]
  /** Another instance's news, from the hub. */
  onRemote: (event: PresenceEvent) => void
  /** Asks the other instances who is online, and says every beat that this one is alive; returns the stop. */
  start: () => () => void
}

/** This instance's presence (server/services/realtime/index.ts builds the one the server uses). */
export function createPresence(deps: PresenceDeps): PresenceTracker {
  const localSockets = new Map<string, number>()
  /** user → the other instances where the user is online → how many sockets the user has open there. */
  const remoteSockets = new Map<string, Map<string, number>>()
  const offlineTimers = new Map<string, NodeJS.Timeout>()
  const lastSeen = new Map<string, Date>()
  /** When each other instance was last heard of; one silent for too long is taken as gone. */
  const instanceHeard = new Map<string, number>()

  /** Users who were online only on an instance that stopped talking (it crashed) go offline. */
  function forgetSilentInstances(): void {
    // Three missed beats (NUXT_TIMINGS_INSTANCE_ALIVE_MS apart) and the instance is gone.
    const cutoff = Date.now() - 3 * serverConfig().timings.instanceAliveMs
    const gone = new Set([...instanceHeard].filter(([, at]) => at < cutoff).map(([id]) => id))
    if (gone.size === 0) return
    for (const id of gone) instanceHeard.delete(id)
    const now = new Date()
    for (const [userId, instances] of [...remoteSockets]) {
      for (const id of gone) instances.delete(id)
      if (instances.size > 0) continue
      remoteSockets.delete(userId)
      if ((localSockets.get(userId) ?? 0) > 0) continue
      lastSeen.set(userId, now)
      Promise.all([deps.persistLastSeen(userId, now), announce(userId, false)])
        .catch(error => logger.warn('presence offline failed', { error: errorName(error) }))
    }
  }

  function onlineSomewhere(userId: string): boolean {
    return (localSockets.get(userId) ?? 0) > 0 || (remoteSockets.get(userId)?.size ?? 0) > 0
  }

  /** The user's open sockets on every instance (the others' counts as last heard over the bus). */
  function socketsEverywhere(userId: string): number {
    let count = localSockets.get(userId) ?? 0
    for (const sockets of remoteSockets.get(userId)?.values() ?? []) count += sockets
    return count
  }

  /** Tells the other instances how many sockets the user has here (`online` stays true through the grace). */
  function shareSocketCount(userId: string, sockets: number, online = true): void {
    void publishControl({ type: '$presence', userId, instanceId, online, sockets })
  }

  function getPresence(userId: string, storedLastSeenAt: Date | null = null): Presence {
    const known = lastSeen.get(userId)
    const latest = known && (!storedLastSeenAt || known > storedLastSeenAt) ? known : storedLastSeenAt
    return { online: onlineSomewhere(userId), lastSeenAt: latest ?? null }
  }

  async function announce(userId: string, online: boolean): Promise<void> {
    const chatIds = await deps.chatIdsOf(userId)
    const lastSeenAt = lastSeen.get(userId)?.toISOString() ?? null
    // Everyone who shares a chat with the user (each socket gets it once), and the user's own sockets.
    await publish({ topics: [userTopic(userId), ...chatIds.map(chatTopic)], event: { type: 'presence', userId, online, lastSeenAt } })
  }

  function socketOpened(userId: string): void {
    const count = (localSockets.get(userId) ?? 0) + 1
    localSockets.set(userId, count)
    shareSocketCount(userId, count)
    const pending = offlineTimers.get(userId)
    if (pending) {
      clearTimeout(pending)
      offlineTimers.delete(userId)
      return // never announced offline: nothing to say
    }
    if (count > 1) return
    const wasOnline = (remoteSockets.get(userId)?.size ?? 0) > 0
    if (!wasOnline) announce(userId, true).catch(error => logger.warn('presence announce failed', { error: errorName(error) }))
  }

  function socketClosed(userId: string): void {
    const count = Math.max(0, (localSockets.get(userId) ?? 0) - 1)
    // At once, so the place is free on every instance; going offline waits for the grace.
    shareSocketCount(userId, count)
    if (count > 0) {
      localSockets.set(userId, count)
      return
    }
    localSockets.delete(userId)
    if (offlineTimers.has(userId)) return
    offlineTimers.set(userId, setTimeout(() => {
      offlineTimers.delete(userId)
      if ((localSockets.get(userId) ?? 0) > 0) return
      const now = new Date()
      lastSeen.set(userId, now)
      shareSocketCount(userId, 0, false)
      if (onlineSomewhere(userId)) return
      Promise.all([deps.persistLastSeen(userId, now), announce(userId, false)])
        .catch(error => logger.warn('presence offline failed', { error: errorName(error) }))
    }, OFFLINE_GRACE_MS).unref())
  }

  /**
   * Another instance's news: `$presence` (a user's socket count there, or offline there),
   * `$presence-sync` (a new instance asks who is online) and `$alive` (it is still there,
   * every 30 s).
   */
  function onRemote(event: PresenceEvent): void {
    if (event.instanceId === instanceId) return
    instanceHeard.set(event.instanceId, Date.now())
    if (event.type === '$alive') return
    if (event.type === '$presence-sync') {
      for (const [userId, sockets] of localSockets) shareSocketCount(userId, sockets)
      return
    }
    const instances = remoteSockets.get(event.userId) ?? new Map<string, number>()
    // An instance of the previous version (during a rolling deploy) sends no count.
    if (event.online) instances.set(event.instanceId, event.sockets ?? 0)
    else instances.delete(event.instanceId)
    if (instances.size > 0) remoteSockets.set(event.userId, instances)
    else remoteSockets.delete(event.userId)
    if (!event.online) lastSeen.set(event.userId, new Date())
  }

  function start(): () => void {
    void publishControl({ type: '$presence-sync', instanceId })
    const timer = setInterval(() => {
      void publishControl({ type: '$alive', instanceId })
      forgetSilentInstances()
    }, serverConfig().timings.instanceAliveMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  return {
    of: user => getPresence(String(user._id), user.lastSeenAt ?? null),
    socketOpened,
    socketClosed,
    socketsEverywhere,
    onlineUserIds: () => [...new Set([...localSockets.keys(), ...remoteSockets.keys()])],
    onRemote,
    start,
  }
}
