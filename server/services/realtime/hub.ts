import type { Message, ReadyChat, ServerFrame } from '#shared/types/api'
import { WS_CLOSE } from '#shared/types/api'
import { errorName, logger } from '../../utils/logger'
import { chatTopic, onEnvelope, userTopic, type Envelope } from './bus'
import { createChatOrders, MAX_GAP_FILL } from './chat-order'
import type { PresenceEvent } from './presence'

// The sockets of this instance and their topics. Envelopes from the bus reach every
// socket subscribed to one of their topics, once. Subscription changes, revocations and
// presence between instances arrive over the same bus, in the same order as the events.

export interface Connection {
  id: string
  userId: string
  sessionId: string
  topics: Set<string>
  /** Until `ready` is sent, events wait here so `ready` is always the first frame. */
  backlog: ServerFrame[] | null
  send: (frame: ServerFrame) => void
  close: (code: number, reason: string) => void
  /** Re-reads the user (a role change applies to the socket's next frame). */
  refreshUser: () => void
}

export interface HubDeps {
  /** Reads stored messages of a chat by seq, the missing ones left out (the gap fill). */
  loadMessages: (chatId: string, from: number, to: number) => Promise<Message[]>
  /** Another instance's presence news. */
  onPresence: (event: PresenceEvent) => void
}

export interface Hub {
  /** Registers a socket under its user's topic (so subscription changes reach it at once). */
  register: (connection: Connection) => void
  unregister: (connection: Connection) => void
  /**
   * Subscribes a registered socket, still before its `ready`, to the chats of that frame;
   * resolves once the messages this instance delivered while `ready` was being read wait
   * in its backlog.
   */
  subscribeChats: (connection: Connection, chats: Pick<ReadyChat, 'id' | 'lastSeq'>[]) => Promise<void>
  /** Sends `first` (the `ready` frame), then whatever arrived meanwhile. */
  markReady: (connection: Connection, first: ServerFrame) => void
  /** Whether the socket holds the chat by its person's membership (a watch alone does not). */
  isSubscribed: (connection: Connection, chatId: string) => boolean
  /**
   * Lets a socket hear a public channel its person is not in (`chat.watch`), through the
   * same chat topic and message order as its members, until `unwatch`, the membership's
   * `$subscribe` (which takes the topic over), the chat's deletion or the socket's close.
   * Recorded even while a membership still holds the topic: a leave on another instance may
   * be in the database before its `$unsubscribe` reaches this one, and the watch keeps the
   * topic past it. `too-many`: the socket watches MAX_WATCHED_CHATS already.
   */
  watch: (connection: Connection, chatId: string, lastSeq: number) => 'watching' | 'too-many'
  /** Ends the socket's watch; a membership's subscription stays. */
  unwatch: (connection: Connection, chatId: string) => void
  /** Starts delivering the bus's envelopes to this instance's sockets; the returned function stops it. */
  start: () => () => void
}

/** How many channels one socket may watch at once: an app watches the one it shows. */
export const MAX_WATCHED_CHATS = 10

/** The hub of this instance (server/services/realtime/index.ts builds the one the server uses). */
export function createHub(deps: HubDeps): Hub {
  const connections = new Set<Connection>()
  const byTopic = new Map<string, Set<Connection>>()
  // Why a socket holds a chat's topic: its person's membership (`ready`, `$subscribe`), its
  // own `watch`, or both for a moment (a watch sent while this instance has not yet heard of
  // the leave the database has). The topic goes when neither is left.
  const memberships = new Map<Connection, Set<string>>()
  const watched = new Map<Connection, Set<string>>()
  // One message order per chat with a local subscriber (./chat-order.ts).
  const chatOrders = createChatOrders({ loadMessages: deps.loadMessages, deliver: deliverEvent })

  function addTopic(connection: Connection, topic: string) {
    connection.topics.add(topic)
    let set = byTopic.get(topic)
    if (!set) byTopic.set(topic, (set = new Set()))
    set.add(connection)
  }

  function removeTopic(connection: Connection, topic: string) {
    connection.topics.delete(topic)
    if (isChatTopic(topic)) {
      forget(memberships, connection, chatIdOf(topic))
      forget(watched, connection, chatIdOf(topic))
    }
    const set = byTopic.get(topic)
    if (!set) return
    set.delete(connection)
    if (set.size > 0) return
    byTopic.delete(topic)
    if (isChatTopic(topic)) chatOrders.stop(chatIdOf(topic))
  }

  function holds(reasons: Map<Connection, Set<string>>, connection: Connection, chatId: string): boolean {
    return reasons.get(connection)?.has(chatId) ?? false
  }

  function remember(reasons: Map<Connection, Set<string>>, connection: Connection, chatId: string) {
    const chats = reasons.get(connection)
    if (chats) chats.add(chatId)
    else reasons.set(connection, new Set([chatId]))
  }

  /** Whether the chat was among the reasons. */
  function forget(reasons: Map<Connection, Set<string>>, connection: Connection, chatId: string): boolean {
    const chats = reasons.get(connection)
    if (!chats?.delete(chatId)) return false
    if (chats.size === 0) reasons.delete(connection)
    return true
  }

  /** Drops the chat's topic once neither a membership nor a watch holds it. */
  function releaseChat(connection: Connection, chatId: string) {
    if (!holds(memberships, connection, chatId) && !holds(watched, connection, chatId)) removeTopic(connection, chatTopic(chatId))
  }

  function isChatTopic(topic: string): boolean {
    return topic.startsWith(chatTopic(''))
  }

  function chatIdOf(topic: string): string {
    return topic.slice(chatTopic('').length)
  }

  /**
   * Subscribes a socket to a chat whose messages it knows up to `lastSeq` (from `ready`, or
   * from the `$subscribe` that made it a member). The chat's first local subscriber starts
   * the chat's order after that seq.
   */
  function subscribeChat(connection: Connection, chatId: string, lastSeq: number) {
    if (!byTopic.has(chatTopic(chatId))) chatOrders.start(chatId, lastSeq)
    addTopic(connection, chatTopic(chatId))
  }

  function deliverTo(connection: Connection, frame: ServerFrame): void {
    if (connection.backlog) connection.backlog.push(frame)
    else connection.send(frame)
  }

  /** Registers a socket under its user's topic (so subscription changes reach it at once). */
  function register(connection: Connection): void {
    connections.add(connection)
    addTopic(connection, userTopic(connection.userId))
  }

  /**
   * Subscribes a registered socket to the chats of its `ready` frame. A chat whose order
   * already runs here may have delivered messages after the `lastSeq` that `ready` read
   * and before this subscription: they are not in `ready`'s `lastChangeSeq` either, so a
   * client that saw no change would never ask for them. They are read from the database
   * and put first in the socket's backlog, before any later seq of that chat.
   */
  async function subscribeChats(connection: Connection, chats: Pick<ReadyChat, 'id' | 'lastSeq'>[]): Promise<void> {
    if (!connections.has(connection)) return
    const missed: { chatId: string, from: number, to: number }[] = []
    for (const chat of chats) {
      const next = chatOrders.nextSeq(chat.id)
      if (next !== undefined && next > chat.lastSeq + 1) missed.push({ chatId: chat.id, from: chat.lastSeq + 1, to: next - 1 })
      remember(memberships, connection, chat.id)
      subscribeChat(connection, chat.id, chat.lastSeq)
    }
    const frames: ServerFrame[] = []
    for (const { chatId, from, to } of missed) {
      for (let start = from; start <= to; start += MAX_GAP_FILL) {
        const messages = await deps.loadMessages(chatId, start, Math.min(to, start + MAX_GAP_FILL - 1))
        for (const message of messages) frames.push({ type: 'message.created', chatId, message })
      }
    }
    connection.backlog?.unshift(...frames)
  }

  /** Sends `first` (the `ready` frame), then whatever arrived meanwhile. */
  function markReady(connection: Connection, first: ServerFrame): void {
    const backlog = connection.backlog ?? []
    connection.backlog = null
    connection.send(first)
    for (const frame of backlog) connection.send(frame)
  }

  function unregister(connection: Connection): void {
    connections.delete(connection)
    for (const topic of [...connection.topics]) removeTopic(connection, topic)
  }

  function isSubscribed(connection: Connection, chatId: string): boolean {
    return holds(memberships, connection, chatId)
  }

  function watch(connection: Connection, chatId: string, lastSeq: number): 'watching' | 'too-many' {
    // Closed while its `chat.watch` read the chat: a topic added now would never be taken
    // away, and would hold the socket and the chat's order for good (as subscribeChats).
    if (!connections.has(connection)) return 'watching'
    if (holds(watched, connection, chatId)) return 'watching'
    if ((watched.get(connection)?.size ?? 0) >= MAX_WATCHED_CHATS) return 'too-many'
    remember(watched, connection, chatId)
    // A topic a membership holds already stays as it is (same order, no second delivery).
    subscribeChat(connection, chatId, lastSeq)
    return 'watching'
  }

  function unwatch(connection: Connection, chatId: string): void {
    if (forget(watched, connection, chatId)) releaseChat(connection, chatId)
  }

  function recipients(envelope: Envelope): Set<Connection> {
    const found = new Set<Connection>()
    for (const topic of envelope.topics) {
      for (const connection of byTopic.get(topic) ?? []) {
        if (connection.userId !== envelope.exceptUserId) found.add(connection)
      }
    }
    return found
  }

  function deliverEvent(envelope: Envelope) {
    for (const connection of recipients(envelope)) deliverTo(connection, envelope.event as ServerFrame)
  }

  function handleEnvelope(envelope: Envelope) {
    const event = envelope.event
    switch (event.type) {
      case '$subscribe':
        for (const connection of byTopic.get(userTopic(event.userId)) ?? []) {
          // A channel watched before joining: the membership holds the topic from now on,
          // without a gap or a second delivery (a socket hears each envelope once).
          forget(watched, connection, event.chatId)
          remember(memberships, connection, event.chatId)
          subscribeChat(connection, event.chatId, event.lastSeq)
        }
        return
      case '$unsubscribe':
        // A socket that watches the channel (its person left on another instance and looks
        // on) keeps hearing it: the watch holds the topic now.
        for (const connection of [...(byTopic.get(userTopic(event.userId)) ?? [])]) {
          forget(memberships, connection, event.chatId)
          releaseChat(connection, event.chatId)
        }
        return
      case '$drop-chat':
        for (const connection of [...(byTopic.get(chatTopic(event.chatId)) ?? [])]) removeTopic(connection, chatTopic(event.chatId))
        return
      case '$revoke': {
        const revoked = new Set(event.sessionIds)
        for (const connection of [...(byTopic.get(userTopic(event.userId)) ?? [])]) {
          if (!revoked.has(connection.sessionId)) continue
          connection.backlog = null
          connection.send({ type: 'session.revoked', reason: event.reason })
          connection.close(WS_CLOSE.unauthorized, 'session revoked')
        }
        return
      }
      case '$user-changed':
        for (const connection of byTopic.get(userTopic(event.userId)) ?? []) connection.refreshUser()
        return
      case '$presence':
      case '$presence-sync':
      case '$alive':
        deps.onPresence(event)
        return
      case '$visibility':
        return // ./visibility.ts listens to it
      case 'message.created':
        chatOrders.order(event.chatId, event.message.seq, envelope)
        return
      default:
        deliverEvent(envelope)
    }
  }

  function start(): () => void {
    return onEnvelope((envelope) => {
      try {
        handleEnvelope(envelope)
      }
      catch (error) {
        logger.error('event delivery failed', { error: errorName(error) })
      }
    })
  }

  return { register, unregister, subscribeChats, markReady, isSubscribed, watch, unwatch, start }
}
