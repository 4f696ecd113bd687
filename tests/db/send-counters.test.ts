import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ChatModel, ClientIdKeyModel, MembershipModel, MessageChangeModel, MessageModel, changeKeyId, clientIdKeyId, membershipId, messageIdFor, type MessageRecord } from '../../server/models'
import { createChat } from '../../server/services/chats/chats'
import { changes, messagesBySeq } from '../../server/services/messages/history'
import { renderMessage } from '../../server/services/messages/render'
import { sendMessage } from '../../server/services/messages/send'
import { publishToChat } from '../../server/services/realtime'
import type { Actor } from '../../server/utils/auth'
import { withLock } from '../../server/utils/lock'
import { connectServices, createTestUser, disconnectServices, recordCommands, type CommandRecord } from '../harness/services'

// A send takes the chat's next seq and changeSeq from the counters this instance last
// stored or heard of (server/services/messages/chat-counters.ts), not from a read of the
// chat. Another instance may have written the chat since, its event not arrived: then the
// send meets a taken slot, reads the chat once and stores after what it finds. Nothing is
// lost, stored twice or stored in a taken slot (docs/database.md, "A send").

beforeAll(async () => {
  await connectServices('sendcounters', { monitorCommands: true })
})
afterAll(async () => {
  await disconnectServices()
})

async function groupOfTwo() {
  const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
  const { chat } = await createChat(ana, { type: 'group', name: 'Counted', memberIds: [bob.userId] })
  return { ana, bob, chatId: chat.id }
}

/**
 * What another instance's sends leave: `count` messages in the next slots, their change keys,
 * the counters raised. With `clientId`, the last of them is that send of `senderId`, stored
 * by a retry that took its key over (past the lease), the key pointing at it.
 */
async function sendElsewhere(chatId: string, senderId: string, count: number, clientId: string | null = null): Promise<MessageRecord[]> {
  const chat = (await ChatModel.findById(chatId).lean())!
  const now = new Date()
  const records = Array.from({ length: count }, (_, index) => ({
    _id: messageIdFor(chatId, chat.lastSeq + 1 + index), chatId, seq: chat.lastSeq + 1 + index, changeSeq: chat.lastChangeSeq + 1 + index,
    senderId, content: `elsewhere ${index}`, searchText: `elsewhere ${index}`, clientId: index === count - 1 ? clientId : null, replyToId: null, mentions: [], mentionsAll: false,
    attachmentIds: [], reactions: [], editedAt: null, deletedAt: null, createdAt: now,
  }))
  await MessageModel.insertMany(records)
  await MessageChangeModel.insertMany(records.map(record => ({ _id: changeKeyId(chatId, record.changeSeq), messageId: record._id })))
  await ChatModel.updateOne({ _id: chatId }, { $max: { lastSeq: chat.lastSeq + count, lastChangeSeq: chat.lastChangeSeq + count } })
  if (clientId) await ClientIdKeyModel.updateOne({ _id: clientIdKeyId(chatId, senderId, clientId) }, { $set: { messageId: records[count - 1]!._id, claimedAt: now } })
  return MessageModel.find({ _id: { $in: records.map(record => record._id) } }).lean<MessageRecord[]>().exec()
}

/** The seqs the sender's membership holds as their own (server/services/messages/own-messages.ts). */
async function ownSeqsOf(chatId: string, userId: string): Promise<number[]> {
  return (await MembershipModel.findById(membershipId(chatId, userId)).lean())!.ownSeqsAfterRead
}

const chatReads = (commands: CommandRecord[]) => commands.filter(command => command.name === 'find' && command.collection === 'chats')

/** The seqs of the chat's messages up to its lastSeq, after checking its change log names each once. */
async function seqsOf(chatId: string, actor: Pick<Actor, 'userId' | 'role'>): Promise<number[]> {
  const { lastSeq, lastChangeSeq } = (await ChatModel.findById(chatId).lean())!
  const log = await changes(actor, chatId, 0, 100)
  expect(log.items.map(message => message.changeSeq)).toEqual(Array.from({ length: lastChangeSeq }, (_, index) => index + 1))
  return (await messagesBySeq(chatId, 1, lastSeq)).map(message => message.seq)
}

describe('a send from remembered counters', () => {
  it('after another instance stored more messages than a claim walks (60): stored right after them, the chat read once', async () => {
    const { ana, bob, chatId } = await groupOfTwo()
    const first = await sendMessage(ana, chatId, { content: 'first', clientId: 'first' })
    await sendElsewhere(chatId, bob.userId, 60)
    const { result, commands } = await recordCommands(() => sendMessage(ana, chatId, { content: 'after them', clientId: 'after' }))
    expect(result.message).toMatchObject({ seq: first.message.seq + 61, changeSeq: first.message.changeSeq + 61, content: 'after them' })
    expect(chatReads(commands)).toHaveLength(1)
    expect(await seqsOf(chatId, ana)).toEqual(Array.from({ length: first.message.seq + 61 }, (_, index) => index + 1))
    // The clientId key points at where it was stored: a repeat answers with it.
    const again = await sendMessage(ana, chatId, { content: 'after them', clientId: 'after' })
    expect(again).toMatchObject({ created: false, message: { id: result.message.id } })
    expect((await ChatModel.findById(chatId).lean())).toMatchObject({ lastSeq: result.message.seq, lastChangeSeq: result.message.changeSeq })
  })

  it('without a clientId the same, and the next send reads nothing again', async () => {
    const { ana, bob, chatId } = await groupOfTwo()
    const first = await sendMessage(ana, chatId, { content: 'first' })
    await sendElsewhere(chatId, bob.userId, 3)
    const { result, commands } = await recordCommands(() => sendMessage(ana, chatId, { content: 'after them' }))
    expect(result.message.seq).toBe(first.message.seq + 4)
    expect(chatReads(commands)).toHaveLength(1)
    const next = await recordCommands(() => sendMessage(ana, chatId, { content: 'next' }))
    expect(next.result.message.seq).toBe(first.message.seq + 5)
    expect(chatReads(next.commands)).toEqual([])
    expect(await seqsOf(chatId, ana)).toEqual(Array.from({ length: first.message.seq + 5 }, (_, index) => index + 1))
    // The seq noted among Ana's own (the one after her first) followed her message.
    expect(await ownSeqsOf(chatId, ana.userId)).toEqual([first.message.seq, result.message.seq, next.result.message.seq])
  })

  it('another instance\'s message event raises the counters: the next send meets no taken slot', async () => {
    const { ana, bob, chatId } = await groupOfTwo()
    const first = await sendMessage(ana, chatId, { content: 'first' })
    const [elsewhere] = await sendElsewhere(chatId, bob.userId, 1)
    // As the bus delivers it from the instance that stored it.
    await publishToChat(chatId, { type: 'message.created', chatId, message: await renderMessage(elsewhere!) })
    const { result, commands } = await recordCommands(() => sendMessage(ana, chatId, { content: 'after it' }))
    expect(result.message.seq).toBe(first.message.seq + 2)
    expect(chatReads(commands)).toEqual([])
    expect(commands.filter(command => command.name === 'insert').map(command => command.collection)).toEqual(['messagechanges', 'messages'])
  })
})

describe('a clientId key claimed before the lock', () => {
  it('is given back when the send is refused after it (a reply to another chat\'s message): the corrected retry stores at once', async () => {
    const { ana, chatId } = await groupOfTwo()
    const other = await groupOfTwo()
    await sendMessage(ana, chatId, { content: 'warm' })
    const elsewhere = await sendMessage(other.ana, other.chatId, { content: 'not in this chat' })
    await expect(sendMessage(ana, chatId, { content: 'the answer', clientId: 'answer', replyToId: elsewhere.message.id })).rejects.toMatchObject({ statusCode: 400 })
    // Given back: the retry takes the key over (a key still claimed would be a send in
    // flight: 503 after waiting for it).
    const retried = await sendMessage(ana, chatId, { content: 'the answer', clientId: 'answer' })
    expect(retried).toMatchObject({ created: true, message: { content: 'the answer' } })
    const again = await sendMessage(ana, chatId, { content: 'the answer', clientId: 'answer' })
    expect(again).toMatchObject({ created: false, message: { id: retried.message.id } })
  })
})

describe('keys claimed before the lock by sends to one chat at once', () => {
  it('each send stored once, in its own slot, and each repeat answered with its own message', async () => {
    const { ana, chatId } = await groupOfTwo()
    await sendMessage(ana, chatId, { content: 'warm' })
    // All five claim their keys at the same next slot; the lock gives them five slots in turn.
    const sent = await Promise.all(Array.from({ length: 5 }, (_, index) => sendMessage(ana, chatId, { content: `at once ${index}`, clientId: `at-once-${index}` })))
    expect(new Set(sent.map(one => one.message.seq)).size).toBe(5)
    const repeats = await Promise.all(Array.from({ length: 5 }, (_, index) => sendMessage(ana, chatId, { content: `at once ${index}`, clientId: `at-once-${index}` })))
    expect(repeats.map(repeat => [repeat.created, repeat.message.id])).toEqual(sent.map(one => [false, one.message.id]))
    expect(await seqsOf(chatId, ana)).toEqual([1, 2, 3, 4, 5, 6])
  })
})

describe('a send stored meanwhile by its own retry on another instance (its key taken over past the lease)', () => {
  /**
   * Ana's send claims its key, then waits for the chat's lock, which the test holds while
   * "another instance" stores Bob's message and then Ana's retry of this very send after it.
   */
  async function overtaken(heard: boolean) {
    const { ana, bob, chatId } = await groupOfTwo()
    const warm = await sendMessage(ana, chatId, { content: 'warm' })
    let sending: ReturnType<typeof sendMessage> | undefined
    await withLock(`chat:${chatId}`, async () => {
      sending = sendMessage(ana, chatId, { content: 'once', clientId: 'once' })
      await vi.waitFor(async () => expect(await ClientIdKeyModel.findById(clientIdKeyId(chatId, ana.userId, 'once')).lean()).not.toBeNull())
      const [bobs] = await sendElsewhere(chatId, bob.userId, 1)
      const [retry] = await sendElsewhere(chatId, ana.userId, 1, 'once')
      if (heard) for (const message of [bobs!, retry!]) await publishToChat(chatId, { type: 'message.created', chatId, message: await renderMessage(message) })
    })
    const answer = await sending!
    return { answer, warm, ana, chatId }
  }

  it('with the other instance\'s events heard: answered with the retry\'s message, stored once', async () => {
    const { answer, warm, ana, chatId } = await overtaken(true)
    expect(answer).toMatchObject({ created: false, message: { seq: warm.message.seq + 2, content: 'elsewhere 0' } })
    expect(await seqsOf(chatId, ana)).toEqual([1, 2, 3])
  })

  it('with its events not arrived: the taken slot met, then the same answer, stored once', async () => {
    const { answer, warm, ana, chatId } = await overtaken(false)
    expect(answer).toMatchObject({ created: false, message: { seq: warm.message.seq + 2, content: 'elsewhere 0' } })
    expect(await seqsOf(chatId, ana)).toEqual([1, 2, 3])
    // This send stored nothing: the seq it noted among Ana's own went (the retry's instance notes its own).
    expect(await ownSeqsOf(chatId, ana.userId)).toEqual([warm.message.seq])
  })
})

describe('the seq a send notes among the sender\'s own, when it stores nothing', () => {
  it('goes with a failed insert, and the retry is noted once', async () => {
    const { ana, bob, chatId } = await groupOfTwo()
    const first = await sendMessage(ana, chatId, { content: 'first' })
    const failing = vi.spyOn(MessageModel.collection, 'insertOne').mockRejectedValueOnce(new Error('connection reset'))
    try {
      await expect(sendMessage(ana, chatId, { content: 'lost on the way', clientId: 'lost' })).rejects.toThrow()
    }
    finally {
      failing.mockRestore()
    }
    expect(await ownSeqsOf(chatId, ana.userId)).toEqual([first.message.seq])
    const retried = await sendMessage(ana, chatId, { content: 'lost on the way', clientId: 'lost' })
    expect(retried.message.seq).toBe(first.message.seq + 1)
    expect(await ownSeqsOf(chatId, ana.userId)).toEqual([first.message.seq, retried.message.seq])
    // Bob's unread count sees both; Ana's none of her own.
    expect((await MembershipModel.findById(membershipId(chatId, bob.userId)).lean())!.ownSeqsAfterRead).toEqual([])
  })
})
