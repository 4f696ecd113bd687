import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Message, ServerFrame } from '#shared/types/api'
import type { Actor } from '../../server/utils/auth'
import { publish, type ControlEvent, type Envelope } from '../../server/services/realtime/bus'
import { createHub, type Connection, type Hub } from '../../server/services/realtime/hub'
import { fakeConnection } from '../harness/fake-connection'

// `chat.watch` against the hub of one instance, with the bus's envelopes fed in a chosen
// order: across instances a leave (or a join) on instance B reaches A's hub over Redis
// some time after the database says so, and A's `chat.watch` reads only the database.
// The database is stood in for (the membership a read answers), so each order is exact.

const database = vi.hoisted(() => ({ member: false, chatExists: true }))
vi.mock('../../server/services/chats/access', () => {
  const chat = (chatId: string) => ({ _id: chatId, type: 'channel', lastSeq: 0, lastChangeSeq: 0 })
  return {
    findChat: async (chatId: string) => (database.chatExists ? chat(chatId) : null),
    findMembership: async (chatId: string, userId: string) => (database.member ? { chatId, userId, role: 'member' } : null),
    requireVisibleChat: async (_actor: unknown, chatId: string) => ({ chat: chat(chatId), membership: database.member ? { chatId, role: 'member' } : null }),
  }
})
const { chatWatch } = await import('../../server/services/realtime/frames/chat.watch')

let hub: Hub
let stopHub = () => {}
const opened: Connection[] = []

beforeEach(() => {
  database.member = false
  database.chatExists = true
  hub = createHub({ loadMessages: async () => [], onPresence: () => {} })
  stopHub = hub.start()
})
afterEach(() => {
  for (const connection of opened.splice(0)) hub.unregister(connection)
  stopHub()
})

interface FakeSocket { connection: Connection, frames: ServerFrame[], actor: Actor }

function openSocket(userId = randomUUID()): FakeSocket {
  const { connection, frames } = fakeConnection(userId)
  hub.register(connection)
  opened.push(connection)
  return { connection, frames, actor: { userId, sessionId: connection.sessionId } as Actor }
}

/** A socket of a member of the channel, subscribed by its `ready` that knew the chat up to seq 0. */
async function memberSocket(chatId: string): Promise<FakeSocket> {
  const socket = openSocket()
  await hub.subscribeChats(socket.connection, [{ id: chatId, lastSeq: 0 }])
  return socket
}

function control(event: ControlEvent, topics: string[]): void {
  void publish({ topics, event } as Envelope)
}

/** Another instance's leave, as the bus brings it (after the database has it). */
const unsubscribe = (userId: string, chatId: string) => control({ type: '$unsubscribe', userId, chatId }, [`user:${userId}`])
const subscribe = (userId: string, chatId: string, lastSeq: number) => control({ type: '$subscribe', userId, chatId, lastSeq }, [`user:${userId}`])
const dropChat = (chatId: string) => control({ type: '$drop-chat', chatId }, [`chat:${chatId}`])

function postCreated(chatId: string, seq: number): void {
  const message = { id: `${chatId}-${seq}`, chatId, seq, content: `m${seq}` } as Message
  void publish({ topics: [`chat:${chatId}`], event: { type: 'message.created', chatId, message } })
}

function createdSeqs(frames: ServerFrame[]): number[] {
  return frames.flatMap(frame => (frame.type === 'message.created' ? [frame.message.seq] : []))
}

async function sendWatch(socket: FakeSocket, chatId: string): Promise<ServerFrame | null> {
  return chatWatch({ type: 'chat.watch', id: 'w1', chatId }, { actor: socket.actor, connection: socket.connection, hub })
}

describe('chat.watch right after leaving on another instance', () => {
  it('hears the channel when the leave\'s $unsubscribe reaches this instance after the watch', async () => {
    const chatId = randomUUID()
    const socket = await memberSocket(chatId)
    // The leave is in the database; its `$unsubscribe` is still on its way here.
    const answer = await sendWatch(socket, chatId)
    expect(answer).toMatchObject({ type: 'ack', id: 'w1' })
    unsubscribe(socket.connection.userId, chatId)
    postCreated(chatId, 1)
    expect(createdSeqs(socket.frames)).toEqual([1])
    // Watching, not a membership: `typing` stays refused.
    expect(hub.isSubscribed(socket.connection, chatId)).toBe(false)
  })

  it('hears the channel when the $unsubscribe arrived before the watch', async () => {
    const chatId = randomUUID()
    const socket = await memberSocket(chatId)
    unsubscribe(socket.connection.userId, chatId)
    await sendWatch(socket, chatId)
    postCreated(chatId, 1)
    expect(createdSeqs(socket.frames)).toEqual([1])
  })

  it('stops hearing it on chat.unwatch, whichever way the watch and the $unsubscribe crossed', async () => {
    const chatId = randomUUID()
    const socket = await memberSocket(chatId)
    await sendWatch(socket, chatId)
    unsubscribe(socket.connection.userId, chatId)
    hub.unwatch(socket.connection, chatId)
    postCreated(chatId, 1)
    expect(createdSeqs(socket.frames)).toEqual([])
    expect([...socket.connection.topics]).toEqual([`user:${socket.connection.userId}`])
  })

  it('keeps each message once when the person joins again after the crossed watch', async () => {
    const chatId = randomUUID()
    const socket = await memberSocket(chatId)
    await sendWatch(socket, chatId)
    unsubscribe(socket.connection.userId, chatId)
    postCreated(chatId, 1)
    subscribe(socket.connection.userId, chatId, 1)
    postCreated(chatId, 2)
    expect(createdSeqs(socket.frames)).toEqual([1, 2])
    // The membership took the watch over: `typing` is allowed, and an unwatch ends nothing.
    expect(hub.isSubscribed(socket.connection, chatId)).toBe(true)
    hub.unwatch(socket.connection, chatId)
    postCreated(chatId, 3)
    expect(createdSeqs(socket.frames)).toEqual([1, 2, 3])
  })

  it('ends the crossed watch with the chat\'s deletion, and leaves no topic after the socket closes', async () => {
    const chatId = randomUUID()
    const deleted = await memberSocket(chatId)
    await sendWatch(deleted, chatId)
    unsubscribe(deleted.connection.userId, chatId)
    dropChat(chatId)
    postCreated(chatId, 1)
    expect(createdSeqs(deleted.frames)).toEqual([])
    expect(deleted.connection.topics.has(`chat:${chatId}`)).toBe(false)

    const otherChatId = randomUUID()
    const closed = await memberSocket(otherChatId)
    await sendWatch(closed, otherChatId)
    unsubscribe(closed.connection.userId, otherChatId)
    hub.unregister(closed.connection)
    expect([...closed.connection.topics]).toEqual([])
    // A later socket starts the chat's order afresh after the seq it knows: nothing stayed behind.
    const later = openSocket()
    await hub.subscribeChats(later.connection, [{ id: otherChatId, lastSeq: 4 }])
    postCreated(otherChatId, 5)
    expect(createdSeqs(later.frames)).toEqual([5])
    expect(createdSeqs(closed.frames)).toEqual([])
  })
})

describe('chat.watch right before joining on another instance', () => {
  it('stays a membership when the join\'s $subscribe arrived while the watch read the database', async () => {
    const chatId = randomUUID()
    const socket = openSocket()
    // The watch read "not a member"; then the join was stored and its `$subscribe` arrived.
    const requireVisibleChatRead = sendWatch(socket, chatId)
    database.member = true
    subscribe(socket.connection.userId, chatId, 0)
    await requireVisibleChatRead
    expect(hub.isSubscribed(socket.connection, chatId)).toBe(true)
    // A leave later ends the membership's subscription: no watch was left behind.
    database.member = false
    unsubscribe(socket.connection.userId, chatId)
    postCreated(chatId, 1)
    expect(createdSeqs(socket.frames)).toEqual([])
  })

  it('lets the join\'s $subscribe take the watch over when it arrives after the watch', async () => {
    const chatId = randomUUID()
    const socket = openSocket()
    await sendWatch(socket, chatId)
    postCreated(chatId, 1)
    subscribe(socket.connection.userId, chatId, 1)
    postCreated(chatId, 2)
    expect(createdSeqs(socket.frames)).toEqual([1, 2])
    expect(hub.isSubscribed(socket.connection, chatId)).toBe(true)
  })
})
