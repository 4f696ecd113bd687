import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message, ServerFrame } from '#shared/types/api'
import { createChat } from '../../server/services/chats/chats'
import { messagesBySeq } from '../../server/services/messages/history'
import { sendMessage } from '../../server/services/messages/send'
import { messageIdFor, MessageModel } from '../../server/models/message'
import { publishToChat } from '../../server/services/realtime/bus'
import { createHub, type Connection } from '../../server/services/realtime/hub'
import { fakeConnection } from '../harness/fake-connection'
import { eventually } from '../harness/api-client'
import { connectServices, createTestUser, disconnectServices } from '../harness/services'

// The hub of one instance, driven through the in-process bus: whatever order a chat's
// `message.created` events arrive in (two instances' events can cross Redis), every
// socket gets them by seq, and a gap is filled from the database.

const opened: Connection[] = []
const hub = createHub({ loadMessages: messagesBySeq, onPresence: () => {} })
let stopHub = () => {}

beforeAll(async () => {
  await connectServices('hub')
  stopHub = hub.start()
})
afterAll(async () => {
  for (const connection of opened) hub.unregister(connection)
  stopHub()
  await disconnectServices()
})

interface FakeSocket { connection: Connection, frames: ServerFrame[] }

function openSocket(userId: string): FakeSocket {
  const { connection, frames } = fakeConnection(userId)
  hub.register(connection)
  opened.push(connection)
  return { connection, frames }
}

function createdSeqs(frames: ServerFrame[]): number[] {
  return frames.flatMap(frame => (frame.type === 'message.created' ? [frame.message.seq] : []))
}

/** A `message.created` as another instance would publish it (only the fields the hub reads matter). */
function publishCreated(chatId: string, seq: number): Promise<void> {
  const message = { id: messageIdFor(chatId, seq).toHexString(), chatId, seq, content: `m${seq}` } as Message
  return publishToChat(chatId, { type: 'message.created', chatId, message })
}

async function groupOf(): Promise<{ chatId: string, ana: Awaited<ReturnType<typeof createTestUser>> }> {
  const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
  const { chat } = await createChat(ana, { type: 'group', name: 'Ordered', memberIds: [bob.userId] })
  return { chatId: chat.id, ana }
}

describe('one message order per chat on an instance', () => {
  it('holds seq 2 of a fresh chat until seq 1 arrives, for a socket that knows lastSeq 0', async () => {
    const { chatId, ana } = await groupOf()
    const socket = openSocket(ana.userId)
    await hub.subscribeChats(socket.connection, [{ id: chatId, lastSeq: 0 }])
    await publishCreated(chatId, 2)
    expect(createdSeqs(socket.frames)).toEqual([])
    await publishCreated(chatId, 1)
    await publishCreated(chatId, 3)
    expect(createdSeqs(socket.frames)).toEqual([1, 2, 3])
  })

  it('orders a chat joined while the socket is open (the `$subscribe` carries lastSeq)', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const socket = openSocket(bob.userId)
    const { chat } = await createChat(ana, { type: 'group', name: 'Joined', memberIds: [bob.userId] })
    expect(socket.connection.topics.has(`chat:${chat.id}`)).toBe(true)
    await publishCreated(chat.id, 2)
    await publishCreated(chat.id, 1)
    expect(createdSeqs(socket.frames)).toEqual([1, 2])
  })

  it('reads a predecessor that was stored but never published from the database, and delivers it first', async () => {
    const { chatId, ana } = await groupOf()
    const socket = openSocket(ana.userId)
    await hub.subscribeChats(socket.connection, [{ id: chatId, lastSeq: 0 }])
    // Seq 1 is stored behind the hub's back (its event lost); the next send takes seq 2.
    await MessageModel.create({
      _id: messageIdFor(chatId, 1), chatId, seq: 1, changeSeq: 1, senderId: ana.userId, content: 'stored only',
      clientId: null, replyToId: null, reactions: [], editedAt: null, deletedAt: null, createdAt: new Date(),
    })
    const { message } = await sendMessage(ana, chatId, { content: 'published' })
    expect(message.seq).toBe(2)
    await eventually(() => createdSeqs(socket.frames).length === 2, 10_000, 'both messages')
    expect(createdSeqs(socket.frames)).toEqual([1, 2])
    const first = socket.frames.find(frame => frame.type === 'message.created')
    expect(first).toMatchObject({ message: { id: messageIdFor(chatId, 1).toHexString(), content: 'stored only', sender: { id: ana.userId } } })
  })

  it('skips only a seq the database does not have, and never delivers an older seq after a newer one', async () => {
    const { chatId, ana } = await groupOf()
    const socket = openSocket(ana.userId)
    await hub.subscribeChats(socket.connection, [{ id: chatId, lastSeq: 0 }])
    await publishCreated(chatId, 2)
    await eventually(() => createdSeqs(socket.frames).length === 1, 10_000, 'seq 2 after the gap is given up')
    await publishCreated(chatId, 1) // too late: seq 2 went out already
    await publishCreated(chatId, 3)
    expect(createdSeqs(socket.frames)).toEqual([2, 3])
  })

  it('starts a chat\'s order after the seq its first subscriber knows, and forgets it with the last one', async () => {
    const { chatId, ana } = await groupOf()
    const first = openSocket(ana.userId)
    await hub.subscribeChats(first.connection, [{ id: chatId, lastSeq: 5 }])
    await publishCreated(chatId, 7)
    await publishCreated(chatId, 6)
    expect(createdSeqs(first.frames)).toEqual([6, 7])
    hub.unregister(first.connection)
    // Seq 8 passes while nobody here listens; a new socket that knows 8 starts after it.
    await publishCreated(chatId, 8)
    const second = openSocket(ana.userId)
    await hub.subscribeChats(second.connection, [{ id: chatId, lastSeq: 8 }])
    await publishCreated(chatId, 9)
    expect(createdSeqs(second.frames)).toEqual([9])
  })

  it('gives a socket whose ready was read before a delivery that message after ready, before any later one', async () => {
    const { chatId, ana } = await groupOf()
    const present = openSocket(ana.userId)
    await hub.subscribeChats(present.connection, [{ id: chatId, lastSeq: 0 }])
    // A socket reconnects: its ready read lastSeq 0, and seqs 1 and 2 go out to the chat's
    // other socket before it subscribes (the ready's lastChangeSeq does not name them).
    const reconnecting = openSocket(ana.userId)
    reconnecting.connection.backlog = []
    await sendMessage(ana, chatId, { content: 'one' })
    await sendMessage(ana, chatId, { content: 'two' })
    await eventually(() => createdSeqs(present.frames).length === 2, 10_000, 'both messages to the socket that was there')
    const subscribed = hub.subscribeChats(reconnecting.connection, [{ id: chatId, lastSeq: 0 }])
    await sendMessage(ana, chatId, { content: 'three' })
    await subscribed
    await eventually(() => (reconnecting.connection.backlog ?? []).length === 3, 10_000, 'the third message in the backlog')
    hub.markReady(reconnecting.connection, { type: 'session.revoked' })
    expect(reconnecting.frames[0]).toEqual({ type: 'session.revoked' })
    expect(createdSeqs(reconnecting.frames)).toEqual([1, 2, 3])
  })
})

describe('watching a channel before joining', () => {
  it('leaves nothing behind for a socket that closed while its chat.watch was being answered', async () => {
    const { chatId } = await groupOf()
    const socket = openSocket(randomUUID())
    hub.unregister(socket.connection)
    expect(hub.watch(socket.connection, chatId, 0)).toBe('watching')
    expect([...socket.connection.topics]).toEqual([])
    await publishCreated(chatId, 1)
    expect(socket.frames).toEqual([])
  })
})
