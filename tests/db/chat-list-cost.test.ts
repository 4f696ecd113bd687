import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Types } from 'mongoose'
import { createChat, listChats } from '../../server/services/chats/chats'
import { ACTIVITY_TTL_MS, chatActivity } from '../../server/services/chats/activity'
import { ChatModel, MembershipModel, membershipId, UserChatsModel } from '../../server/models'
import { sendMessage } from '../../server/services/messages/send'
import { connectServices, createTestUser, disconnectServices, isIdLookup, recordCommands, type CommandRecord } from '../harness/services'

// The chat list's cost grows with its page, not with the person's chat count: the order
// comes from each chat's remembered activity (server/services/chats/activity.ts), and only
// the page's chats are read (docs/database.md, "The chat list's order").

beforeAll(async () => {
  await connectServices('chatlistcost', { monitorCommands: true })
})
afterAll(async () => {
  await disconnectServices()
})

/** A person in `count` group chats, written directly (fast): chats a minute apart, memberships, the list's snapshot. */
async function personInChats(count: number) {
  const person = await createTestUser()
  const start = Date.now() - count * 60_000
  const chats = Array.from({ length: count }, (_, index) => ({
    _id: new Types.ObjectId(), type: 'group', name: `Chat ${index}`, createdBy: person.userId, memberCount: 1,
    memberIds: [person.userId], lastSeq: 0, lastChangeSeq: 0, lastActivityAt: new Date(start + index * 60_000),
  }))
  await ChatModel.insertMany(chats)
  await MembershipModel.insertMany(chats.map(chat => ({
    _id: membershipId(chat._id.toHexString(), person.userId), chatId: chat._id.toHexString(), userId: person.userId,
    role: 'owner', lastReadSeq: 0, ownSeqsAfterRead: [], joinedAt: new Date(start),
  })))
  await UserChatsModel.create({ _id: person.userId, chatIds: chats.map(chat => chat._id.toHexString()), through: 0 })
  return { person, chatIds: chats.map(chat => chat._id.toHexString()) }
}

/** How many chat documents the commands asked for. */
function chatKeysRead(commands: CommandRecord[]): number {
  return commands.filter(command => command.collection === 'chats').reduce((sum, command) => {
    const id = (command.filter as { _id?: unknown } | null)?._id
    return sum + (id && typeof id === 'object' && '$in' in id ? (id.$in as unknown[]).length : 1)
  }, 0)
}

describe('the chat list', () => {
  it('costs the same commands, and reads only the page\'s chats, for a person in 30 or in 500 chats', async () => {
    const measured: Record<number, CommandRecord[]> = {}
    for (const count of [30, 500]) {
      const { person } = await personInChats(count)
      await listChats(person, { limit: 30 }) // the first list of this instance learns the order: one `$in`
      const { result, commands } = await recordCommands(() => listChats(person, { limit: 30 }))
      expect(result.items).toHaveLength(30)
      expect(commands.every(command => isIdLookup(command.filter))).toBe(true)
      expect(chatKeysRead(commands)).toBe(30)
      measured[count] = commands
    }
    expect(measured[500]!.length).toBe(measured[30]!.length)
  }, 60_000)

  it('orders by activity, a send moving its chat to the top at once, and pages without a gap', async () => {
    const { person, chatIds } = await personInChats(40)
    const first = await listChats(person, { limit: 30 })
    expect(first.items.map(chat => chat.id)).toEqual([...chatIds].reverse().slice(0, 30))
    await sendMessage(person, chatIds[0]!, { content: 'the oldest chat speaks' })
    const again = await listChats(person, { limit: 30 })
    expect(again.items[0]!.id).toBe(chatIds[0])
    const next = await listChats(person, { limit: 30, cursor: again.nextCursor! })
    const seen = [...again.items, ...next.items].map(chat => chat.id)
    expect(new Set(seen).size).toBe(40)
    expect(next.nextCursor).toBeNull()
  })

  it('reads a remembered activity again after ACTIVITY_TTL_MS (an event lost between instances heals)', async () => {
    const { person } = await createTestUser().then(async (owner) => {
      const { chat } = await createChat(owner, { type: 'group', name: 'Quiet', memberIds: [] })
      return { person: owner, chatId: chat.id }
    })
    const [chatId] = (await listChats(person, { limit: 1 })).items.map(chat => chat.id)
    const later = new Date(Date.now() + 3_600_000)
    // Another instance's send whose event this one never heard: only the chat document shows it.
    await ChatModel.updateOne({ _id: chatId }, { $max: { lastActivityAt: later } })
    expect((await chatActivity([chatId!])).get(chatId!)).toBeLessThan(later.getTime())
    expect((await chatActivity([chatId!], Date.now() + ACTIVITY_TTL_MS + 1)).get(chatId!)).toBe(later.getTime())
  })
})
