import type { ServerFrame } from '../../../shared/types/api'
import { WS_CLOSE } from '../../../shared/types/api'
import { errorName, logger } from '../../utils/logger'
import { onRemotePresence } from '../presence'
import { chatTopic, onEnvelope, userTopic, type Envelope } from './bus'

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

const connections = new Set<Connection>()
const byTopic = new Map<string, Set<Connection>>()

function addTopic(connection: Connection, topic: string) {
  connection.topics.add(topic)
  let set = byTopic.get(topic)
  if (!set) byTopic.set(topic, (set = new Set()))
  set.add(connection)
}

function removeTopic(connection: Connection, topic: string) {
  connection.topics.delete(topic)
  const set = byTopic.get(topic)
  if (!set) return
  set.delete(connection)
  if (set.size === 0) byTopic.delete(topic)
}

export function deliverTo(connection: Connection, frame: ServerFrame): void {
  if (connection.backlog) connection.backlog.push(frame)
  else connection.send(frame)
}

/** Registers a socket under its user's topic (so subscription changes reach it at once). */
export function register(connection: Connection): void {
  connections.add(connection)
  addTopic(connection, userTopic(connection.userId))
}

export function subscribeChats(connection: Connection, chatIds: string[]): void {
  if (!connections.has(connection)) return
  for (const chatId of chatIds) addTopic(connection, chatTopic(chatId))
}

/** Sends `first` (the `ready` frame), then whatever arrived meanwhile. */
export function markReady(connection: Connection, first: ServerFrame): void {
  const backlog = connection.backlog ?? []
  connection.backlog = null
  connection.send(first)
  for (const frame of backlog) connection.send(frame)
}

export function unregister(connection: Connection): void {
  connections.delete(connection)
  for (const topic of [...connection.topics]) removeTopic(connection, topic)
}

export function socketsOf(userId: string): number {
  return byTopic.get(userTopic(userId))?.size ?? 0
}

export function isSubscribed(connection: Connection, chatId: string): boolean {
  return connection.topics.has(chatTopic(chatId))
}

export function closeAll(code: number, reason: string): void {
  for (const connection of [...connections]) connection.close(code, reason)
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

// Between instances, two messages of one chat may cross Redis in the opposite order of
// their seqs; hold a later one briefly so every socket sees a chat's messages in seq order.
const REORDER_WAIT_MS = 1_000
interface ChatOrder { next: number, pending: Map<number, Envelope>, timer: NodeJS.Timeout | null, touched: number }
const chatOrder = new Map<string, ChatOrder>()

function deliverEvent(envelope: Envelope) {
  for (const connection of recipients(envelope)) deliverTo(connection, envelope.event as ServerFrame)
}

function flushInOrder(order: ChatOrder) {
  while (order.pending.has(order.next)) {
    const envelope = order.pending.get(order.next)!
    order.pending.delete(order.next)
    order.next++
    deliverEvent(envelope)
  }
}

function orderMessage(chatId: string, seq: number, envelope: Envelope) {
  let order = chatOrder.get(chatId)
  if (!order) chatOrder.set(chatId, (order = { next: seq, pending: new Map(), timer: null, touched: Date.now() }))
  order.touched = Date.now()
  if (seq < order.next) {
    deliverEvent(envelope)
    return
  }
  order.pending.set(seq, envelope)
  flushInOrder(order)
  if (order.pending.size > 0 && !order.timer) {
    const current = order
    current.timer = setTimeout(() => {
      // The missing one never came (a client heals through /changes): move on.
      current.timer = null
      for (const pendingSeq of [...current.pending.keys()].sort((a, b) => a - b)) {
        current.next = Math.max(current.next, pendingSeq)
        flushInOrder(current)
      }
    }, REORDER_WAIT_MS)
  }
}

function sweepOrders() {
  const cutoff = Date.now() - 10 * 60_000
  for (const [chatId, order] of chatOrder) {
    if (order.touched < cutoff && order.pending.size === 0) chatOrder.delete(chatId)
  }
}

function handleEnvelope(envelope: Envelope) {
  const event = envelope.event
  switch (event.type) {
    case '$subscribe':
      for (const connection of byTopic.get(userTopic(event.userId)) ?? []) addTopic(connection, chatTopic(event.chatId))
      return
    case '$unsubscribe':
      for (const connection of [...(byTopic.get(userTopic(event.userId)) ?? [])]) removeTopic(connection, chatTopic(event.chatId))
      return
    case '$drop-chat':
      for (const connection of [...(byTopic.get(chatTopic(event.chatId)) ?? [])]) removeTopic(connection, chatTopic(event.chatId))
      chatOrder.delete(event.chatId)
      return
    case '$revoke': {
      const revoked = new Set(event.sessionIds)
      for (const connection of [...(byTopic.get(userTopic(event.userId)) ?? [])]) {
        if (!revoked.has(connection.sessionId)) continue
        connection.backlog = null
        connection.send({ type: 'session.revoked' })
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
      onRemotePresence(event)
      return
    case 'message.created':
      orderMessage(event.chatId, event.message.seq, envelope)
      return
    default:
      deliverEvent(envelope)
  }
}

let started = false

export function startHub(): void {
  if (started) return
  started = true
  onEnvelope((envelope) => {
    try {
      handleEnvelope(envelope)
    }
    catch (error) {
      logger.error('event delivery failed', { error: errorName(error) })
    }
  })
  setInterval(sweepOrders, 60_000).unref()
}
