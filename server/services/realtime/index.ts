import { WS_CLOSE, type Message, type ReadyChat, type SessionEndReason, type User } from '#shared/types/api'
import type { Presence } from '../../dto/users'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { createAdmission, type Admit } from './admission'
import { chatTopic, publish, publishControl, startBus, stopBus, userTopic } from './bus'
import type { FrameHandlers } from './frames/router'
import { createHub } from './hub'
import { createPresence, type PresenceTracker } from './presence'
import { createSocketCap, type SocketCap } from './socket-cap'
import { createSockets, type Sockets } from './socket'
import { startVisibility } from './visibility'

// The composition root of the real-time core: the one place that builds the hub, presence,
// the socket cap and the sockets, each from its dependencies, and starts and stops them with
// the bus. The domain's parts (reading messages and chat lists, storing lastSeenAt, the frame
// handlers of ./frames/) come in as arguments from server/plugins/03.realtime.ts, so nothing
// here imports a domain service, and the domain services reach the core only through the
// facade at the bottom of this file.

export interface RealtimeDeps {
  /** Stored messages of a chat by seq (the hub fills delivery gaps with them). */
  loadMessages: (chatId: string, from: number, to: number) => Promise<Message[]>
  /** The chats of a user (who hears of its presence). */
  chatIdsOf: (userId: string) => Promise<string[]>
  /** `ready.chats` of a socket. */
  readyChats: (userId: string) => Promise<ReadyChat[]>
  persistLastSeen: (userId: string, at: Date) => Promise<void>
  /** The live session and user of an access token, or null (a socket's authentication). */
  authenticate: (token: string) => Promise<Actor | null>
  /** After a Redis outage: forget what was learned from events that may have been lost. */
  busResumed?: () => void
  frames: FrameHandlers
}

export interface Realtime {
  presence: PresenceTracker
  cap: SocketCap
  /** Lets a socket in or says why not: the upgrade's and the in-band `auth`'s one path (admission.ts). */
  admit: Admit
  sockets: Sockets
  /** Stops the heartbeat and closes every socket with `code` (the shutdown, while the server still listens). */
  closeSockets: (code: number, reason: string) => Promise<void>
  /** Stops delivering and closes the Redis connections (after the last request). */
  stop: () => Promise<void>
}

let core: Realtime | null = null

/** Builds and starts the real-time core of this instance (once). */
export function startRealtime(deps: RealtimeDeps): Realtime {
  if (core) return core
  const presence = createPresence({ chatIdsOf: deps.chatIdsOf, persistLastSeen: deps.persistLastSeen })
  const hub = createHub({ loadMessages: deps.loadMessages, onPresence: event => presence.onRemote(event) })
  const cap = createSocketCap(presence)
  const admit = createAdmission({ cap, authenticate: deps.authenticate })
  const sockets = createSockets({ hub, presence, cap, admit, frames: deps.frames, readyChats: deps.readyChats })
  // The bus starts now, so this instance is subscribed before its first socket opens. After a
  // Redis outage every local socket reconnects, and its client catches up through `/changes`:
  // events other instances published meanwhile never reached this one.
  startBus(() => {
    deps.busResumed?.()
    sockets.closeAuthenticated(WS_CLOSE.serviceRestart, 'catching up after a bus outage')
  })
  const stopHub = hub.start()
  const stopPresence = presence.start()
  const stopVisibility = startVisibility(presence)
  const heartbeat = setInterval(() => {
    cap.forgetExpired()
    sockets.heartbeat()
  }, serverConfig().timings.wsPingMs)
  heartbeat.unref()
  core = {
    presence,
    cap,
    admit,
    sockets,
    async closeSockets(code, reason) {
      clearInterval(heartbeat)
      await sockets.closeAll(code, reason)
    },
    async stop() {
      clearInterval(heartbeat)
      stopPresence()
      stopVisibility()
      stopHub()
      core = null
      await stopBus()
    },
  }
  return core
}

/** The running core (the /ws route); it starts with the server (server/plugins/03.realtime.ts). */
export function realtime(): Realtime {
  if (!core) throw new Error('the real-time core has not been started')
  return core
}

// --- the facade the domain services use ---

export { chatTopic, publishControl, publishToChat, publishToUsers, userTopic } from './bus'

/** A stored user's presence as this instance knows it; before the core starts (service tests), offline. */
export function presenceOf(user: { _id: unknown, lastSeenAt?: Date | null }): Presence {
  return core ? core.presence.of(user) : { online: false, lastSeenAt: user.lastSeenAt ?? null }
}

/** Everyone online now, on any instance (`@here`); before the core starts (service tests), nobody. */
export function onlineUserIds(): string[] {
  return core ? core.presence.onlineUserIds() : []
}

/** Whether a tab of the user has been visible since `since` (performance.now()): Web Push waits then. */
export { visibleSince } from './visibility'

/**
 * Sessions that stop working now: every instance closes its sockets of them, with
 * `session.revoked` saying why (a banned person is told so, not "ended elsewhere").
 */
export function announceSessionsRevoked(userId: string, sessionIds: string[], reason: SessionEndReason): void {
  void publishControl({ type: '$revoke', userId, sessionIds, reason }, [userTopic(userId)])
}

/**
 * A change only the user's own apps show (the email confirmed): `user.updated` to their
 * sockets alone, on which the apps read /api/auth/me again, so a settings page open in
 * another tab says "Confirmed" without a reload (tests/e2e/accounts.spec.ts).
 */
export async function announceOwnAccountChanged(user: User): Promise<void> {
  await publish({ topics: [userTopic(user.id)], event: { type: 'user.updated', user } })
}

/**
 * A new display name or role: it applies to the user's open sockets at their next frame, on
 * every instance, and `user.updated` tells the user's own apps and everyone who shares one of
 * `chatIds` with them (as presence does), so names and menus change without a reload.
 */
export async function announceUserChanged(user: User, chatIds: string[]): Promise<void> {
  await publishControl({ type: '$user-changed', userId: user.id }, [userTopic(user.id)])
  await publish({ topics: [userTopic(user.id), ...chatIds.map(chatTopic)], event: { type: 'user.updated', user } })
}
