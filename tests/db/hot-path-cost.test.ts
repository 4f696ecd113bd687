import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Types } from 'mongoose'
import { createChat, getChat, listChats } from '../../server/services/chats/chats'
import { listMembers, markRead } from '../../server/services/chats/memberships'
import { readyChats } from '../../server/services/chats/chat-list'
import { changeKeyId, MessageChangeModel, messageIdFor, MessageModel } from '../../server/models/message'
import { ChatModel } from '../../server/models/chat'
import { AttachmentModel } from '../../server/models/attachment'
import { changes, history } from '../../server/services/messages/history'
import { deleteMessage, editMessage, setReaction } from '../../server/services/messages/changes'
import { sendMessage } from '../../server/services/messages/send'
import { requireMember } from '../../server/services/chats/access'
import { connectServices, createTestUser, disconnectServices, isIdLookup, recordCommands, type CommandRecord } from '../harness/services'

// Every hot path reads and writes by `_id` only, a number of times that does not depend
// on the size of the chat or on how many chats the user has (docs/api-realtime.md).

beforeAll(async () => {
  await connectServices('hotpath', { monitorCommands: true })
})
afterAll(async () => {
  await disconnectServices()
})

/** Fills a chat with `count` messages directly (fast), keeping its counters and change keys right. */
async function fillChat(chatId: string, senderId: string, count: number, senderOf?: (seq: number) => string) {
  const now = new Date()
  for (let start = 1; start <= count; start += 500) {
    const seqs = Array.from({ length: Math.min(500, count - start + 1) }, (_, i) => start + i)
    await MessageModel.insertMany(seqs.map(seq => ({
      _id: messageIdFor(chatId, seq), chatId, seq, changeSeq: seq, senderId: senderOf?.(seq) ?? senderId, content: `message ${seq}`,
      clientId: null, replyToId: senderOf && seq > 1 ? messageIdFor(chatId, seq - 1) : null, reactions: [], editedAt: null, deletedAt: null, createdAt: now,
    })))
    await MessageChangeModel.insertMany(seqs.map(seq => ({ _id: changeKeyId(chatId, seq), messageId: messageIdFor(chatId, seq) })))
  }
  await ChatModel.updateOne({ _id: chatId }, { $set: { lastSeq: count, lastChangeSeq: count, lastActivityAt: now } })
}

function isIn(filter: unknown): boolean {
  return !!filter && typeof filter === 'object' && typeof (filter as { _id?: unknown })._id === 'object' && '$in' in ((filter as { _id: object })._id)
}

interface Scenario { messages: number, chats: number, extraMembers: number }

async function measure({ messages, chats, extraMembers }: Scenario): Promise<Record<string, CommandRecord[]>> {
  const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
  const others = await Promise.all(Array.from({ length: extraMembers }, () => createTestUser()))
  const { chat } = await createChat(ana, { type: 'group', name: 'Measured', memberIds: [bob.userId, ...others.map(other => other.userId)] })
  for (let i = 1; i < chats; i++) await createChat(ana, { type: 'group', name: `Other ${i}`, memberIds: [bob.userId] })
  await fillChat(chat.id, bob.userId, messages)
  const last = messages
  const sent = await sendMessage(ana, chat.id, { content: 'warm up' })

  const results: Record<string, CommandRecord[]> = {}
  const record = async (name: string, task: () => Promise<unknown>) => {
    results[name] = (await recordCommands(task)).commands
  }
  await record('membership check', () => requireMember(ana, chat.id))
  await record('send', () => sendMessage(ana, chat.id, { content: 'hello', clientId: `c-${messages}` }))
  // A named person costs one membership write; `@all` one chat write, whatever the chat's size.
  await record('send mentioning a member', () => sendMessage(ana, chat.id, { content: `hi @${bob.username}` }))
  await record('send mentioning @all', () => sendMessage(ana, chat.id, { content: '@all hello' }))
  await record('send replay', () => sendMessage(ana, chat.id, { content: 'hello', clientId: `c-${messages}` }))
  await record('edit', () => editMessage(ana, sent.message.id, 'edited'))
  await record('react', () => setReaction(bob, sent.message.id, '🎉', true))
  await record('unreact', () => setReaction(bob, sent.message.id, '🎉', false))
  await record('delete', () => deleteMessage(ana, sent.message.id))
  await record('mark read', () => markRead(bob, chat.id, last - 5))
  await record('history page', () => history(bob, chat.id, { limit: 5 }))
  await record('history before', () => history(bob, chat.id, { before: last - 3, limit: 5 }))
  await record('history around', () => history(bob, chat.id, { around: Math.ceil(last / 2), limit: 5 }))
  await record('changes', () => changes(bob, chat.id, last - 8, 5))
  await record('chat detail', () => getChat(bob, chat.id))
  await record('member list', () => listMembers(bob, chat.id, { limit: 100 }))
  // The chat list and `ready` read the user's chats with one `$in`.
  await record('chat list', () => listChats(bob, { limit: 3 }))
  await record('ready', () => readyChats(bob.userId))
  return results
}

describe('a list of keys is one `$in` command', () => {
  let five: Record<string, CommandRecord[]>
  let fifty: Record<string, CommandRecord[]>

  beforeAll(async () => {
    // 60 chats; the measured one has 60 members, and 60 messages from 60 senders, each replying to the one before.
    const [ana, ...others] = await Promise.all(Array.from({ length: 60 }, () => createTestUser()))
    const { chat } = await createChat(ana!, { type: 'group', name: 'Pages', memberIds: others.map(other => other.userId) })
    for (let i = 1; i < 60; i++) await createChat(ana!, { type: 'group', name: `Page ${i}`, memberIds: [others[0]!.userId] })
    const people = [ana!, ...others]
    await fillChat(chat.id, ana!.userId, 60, seq => people[seq % people.length]!.userId)
    const measure = async (limit: number) => {
      const results: Record<string, CommandRecord[]> = {}
      const record = async (name: string, task: () => Promise<unknown>) => {
        results[name] = (await recordCommands(task)).commands
      }
      await record('history page', () => history(ana!, chat.id, { limit }))
      await record('history around', () => history(ana!, chat.id, { around: 30, limit }))
      await record('changes', () => changes(ana!, chat.id, 0, limit))
      await record('member list', () => listMembers(ana!, chat.id, { limit }))
      await record('chat list', () => listChats(ana!, { limit }))
      return results
    }
    await listChats(ana!, { limit: 1 }) // this instance learns the chats' order once (tests/db/chat-list-cost.test.ts)
    five = await measure(5)
    fifty = await measure(50)
  }, 120_000)

  it('sends as many commands for a page of 50 as for a page of 5', () => {
    for (const path of Object.keys(five)) {
      expect(fifty[path]!.length, path).toBe(five[path]!.length)
      expect(fifty[path]!.every(command => isIdLookup(command.filter)), path).toBe(true)
    }
  })

  it('reads a page\'s messages, senders and reply targets with one `$in` each', () => {
    const inReads = fifty['history page']!.filter(command => isIn(command.filter)).map(command => command.collection).sort()
    // The page, its reply targets, its senders.
    expect(inReads).toEqual(['messages', 'messages', 'users'])
  })
})

describe('the files of a page and of the messages it quotes', () => {
  /** A chat of two messages, the second replying to the first; each shows a file if asked. */
  async function quotingChat(firstHasFile: boolean) {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const { chat } = await createChat(ana, { type: 'group', name: 'Files', memberIds: [bob.userId] })
    const file = async (seq: number) => {
      const _id = new Types.ObjectId()
      await AttachmentModel.create({ _id, chatId: chat.id, uploaderId: ana.userId, name: `file ${seq}.txt`, size: 1, type: 'text/plain', kind: 'file', storage: 'database', messageId: messageIdFor(chat.id, seq), createdAt: new Date() })
      return [_id]
    }
    const now = new Date()
    const firstFiles = firstHasFile ? await file(1) : []
    const secondFiles = await file(2)
    await MessageModel.insertMany([
      { _id: messageIdFor(chat.id, 1), chatId: chat.id, seq: 1, changeSeq: 1, senderId: ana.userId, content: 'the plan', clientId: null, replyToId: null, attachmentIds: firstFiles, reactions: [], editedAt: null, deletedAt: null, createdAt: now },
      { _id: messageIdFor(chat.id, 2), chatId: chat.id, seq: 2, changeSeq: 2, senderId: bob.userId, content: 'and mine', clientId: null, replyToId: messageIdFor(chat.id, 1), attachmentIds: secondFiles, reactions: [], editedAt: null, deletedAt: null, createdAt: now },
    ])
    await MessageChangeModel.insertMany([1, 2].map(seq => ({ _id: changeKeyId(chat.id, seq), messageId: messageIdFor(chat.id, seq) })))
    await ChatModel.updateOne({ _id: chat.id }, { $set: { lastSeq: 2, lastChangeSeq: 2, lastActivityAt: now } })
    return (await recordCommands(() => history(ana, chat.id, { limit: 5 }))).commands
  }

  it('reads them with one `$in`, so a file a message and a reply to it both show is read once', async () => {
    const quotedFile = await quotingChat(true)
    const quotedPlain = await quotingChat(false)
    expect(quotedFile.filter(command => command.collection === 'attachments')).toHaveLength(1)
    expect(quotedFile.length).toBe(quotedPlain.length)
  })
})

describe('hot paths on the embedded engine', () => {
  let small: Record<string, CommandRecord[]>
  let large: Record<string, CommandRecord[]>

  beforeAll(async () => {
    small = await measure({ messages: 10, chats: 3, extraMembers: 0 })
    large = await measure({ messages: 1_000, chats: 30, extraMembers: 40 })
  }, 120_000)

  it('use only `_id` filters (equality, or one `$in` for a list of keys)', () => {
    for (const results of [small, large]) {
      for (const [path, commands] of Object.entries(results)) {
        const scans = commands.filter(command => !isIdLookup(command.filter))
        expect(scans, `${path} sent a non-_id filter`).toEqual([])
      }
    }
  })

  it('send the same number of commands with 10 or 1,000 messages, 3 or 30 chats, 2 or 42 members', () => {
    // A list of keys (the user's chats, a group's members, a page's senders) is one `$in`, whatever its length.
    for (const path of Object.keys(small)) expect(large[path]!.length, path).toBe(small[path]!.length)
  })

  it('renders a sent message from what it wrote: no read of the message after its insert', () => {
    for (const results of [small, large]) {
      const send = results.send!
      const insert = send.findIndex(command => command.name === 'insert' && command.collection === 'messages')
      expect(insert).toBeGreaterThan(-1)
      expect(send.slice(insert + 1).filter(command => command.collection === 'messages')).toEqual([])
    }
  })

  it('reads a /changes page\'s keys and messages with one `$in` each', () => {
    for (const results of [small, large]) {
      // Besides these and the page's senders (one command; by a lone `_id` when the page has one
      // sender), only the one-key probes past the chat's counters.
      const reads = results.changes!.filter(command => isIn(command.filter) || command.collection === 'users')
      expect(reads.map(command => command.collection)).toEqual(['messagechanges', 'messages', 'users'])
    }
  })

  it('reads further change keys in growing windows when every change in the first was superseded', async () => {
    // Ten messages, each edited three times: changes 1-10 and most edits are superseded.
    const [ana] = await Promise.all([createTestUser()])
    const { chat } = await createChat(ana, { type: 'group', name: 'Superseded', memberIds: [] })
    await fillChat(chat.id, ana.userId, 10)
    for (let seq = 1; seq <= 10; seq++) {
      for (let edit = 1; edit <= 3; edit++) await editMessage(ana, messageIdFor(chat.id, seq).toHexString(), `message ${seq}, edit ${edit}`)
    }
    const { result, commands } = await recordCommands(() => changes(ana, chat.id, 0, 2))
    expect(result.items.map(message => message.changeSeq)).toEqual([13, 16])
    expect(result).toMatchObject({ lastChangeSeq: 16, hasMore: true })
    // Windows of 2, 4, 8 and 16 change numbers (1-30): one `$in` command per window, for the keys and for their messages.
    const keyReads = commands.filter(command => command.collection === 'messagechanges' && isIn(command.filter))
    expect(keyReads.map(command => ((command.filter as { _id: { $in: unknown[] } })._id.$in).length)).toEqual([2, 4, 8, 16])
    expect(commands.every(command => isIdLookup(command.filter))).toBe(true)
  })

  it('looks messages up by `_id` through the index', async () => {
    const plan = JSON.stringify(await MessageModel.find({ _id: new Types.ObjectId(messageIdFor(new Types.ObjectId().toHexString(), 1)) }).explain())
    expect(plan).toContain('USING INDEX')
  })
})
