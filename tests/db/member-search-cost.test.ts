import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Types } from 'mongoose'
import { listMembers } from '../../server/services/chats/memberships'
import { ChatModel, MembershipModel, membershipId, UserModel } from '../../server/models'
import { uniqueName } from '../harness/api-client'
import { connectServices, createTestUser, disconnectServices, isIdLookup, recordCommands } from '../harness/services'

// Searching a channel's members by prefix (the @ completion, GET /api/chats/:id/members?q=)
// never scans the memberships: the people search by prefix is read a step of 100 at a time
// and each step's memberships in the chat are one `$in` of membership ids, so the cost
// follows the people who match, not the channel's size (docs/database.md, docs/api.md).

beforeAll(async () => {
  await connectServices('membersearch', { monitorCommands: true })
})
afterAll(async () => {
  await disconnectServices()
})

/** `count` people named `<prefix>_000`... written directly (fast); their ids in order. */
async function people(prefix: string, count: number): Promise<string[]> {
  const users = Array.from({ length: count }, (_, index) => {
    const username = `${prefix}_${String(index).padStart(3, '0')}`
    return { _id: new Types.ObjectId(), username, usernameLower: username.toLowerCase(), displayName: `Person ${index}`, role: 'user' }
  })
  await UserModel.insertMany(users)
  return users.map(user => user._id.toHexString())
}

/** A channel owned by `ownerId` with these members, written directly. */
async function channel(ownerId: string, memberIds: string[]): Promise<string> {
  const id = new Types.ObjectId()
  const chatId = id.toHexString()
  const all = [ownerId, ...memberIds]
  await ChatModel.create({ _id: id, type: 'channel', name: `Channel ${chatId}`, createdBy: ownerId, memberCount: all.length, lastSeq: 0, lastChangeSeq: 0, lastActivityAt: new Date() })
  for (let start = 0; start < all.length; start += 1_000) {
    await MembershipModel.insertMany(all.slice(start, start + 1_000).map((userId, index) => ({
      _id: membershipId(chatId, userId), chatId, userId, role: start + index === 0 ? 'owner' : 'member',
      lastReadSeq: 0, ownSeqsAfterRead: [], joinedAt: new Date(Date.now() - all.length + start + index),
    })))
  }
  return chatId
}

describe('searching a channel\'s members', () => {
  it('costs the same commands in a channel of 12 and of 2,000, its memberships read by `_id` only', async () => {
    const owner = await createTestUser()
    const prefix = uniqueName('cost')
    // 250 people match: three steps of the people search. Two of them are members.
    const matching = await people(prefix, 250)
    const members = [matching[10]!, matching[240]!]
    const crowd = await people(uniqueName('crowd'), 1_990)
    const small = await channel(owner.userId, [...members, ...crowd.slice(0, 10)])
    const large = await channel(owner.userId, [...members, ...crowd])

    const counts: number[] = []
    for (const chatId of [small, large]) {
      const { result, commands } = await recordCommands(() => listMembers(owner, chatId, { limit: 8, q: prefix }))
      expect(result.items.map(member => member.user.id)).toEqual(members)
      expect(result.nextCursor).toBeNull()
      const memberships = commands.filter(command => command.collection === 'memberships')
      expect(memberships.every(command => isIdLookup(command.filter))).toBe(true)
      // One people step and one `$in` of its memberships, three times (and the chat's and the asker's reads).
      expect(commands.filter(command => command.collection === 'users')).toHaveLength(3)
      counts.push(commands.length)
    }
    expect(counts[1]).toBe(counts[0])
  }, 120_000)

  it('stops after five steps of people with a cursor that goes on from there, and pages each member once', async () => {
    const owner = await createTestUser()
    const prefix = uniqueName('far')
    const matching = await people(prefix, 620)
    const members = [matching[3]!, matching[4]!, matching[600]!]
    const chatId = await channel(owner.userId, members)

    const first = await listMembers(owner, chatId, { limit: 2, q: prefix })
    expect(first.items.map(member => member.user.id)).toEqual([matching[3], matching[4]])
    expect(first.nextCursor).not.toBeNull()
    // The next page reads five steps (500 people) and finds nobody: short, with a cursor.
    const { result: second, commands } = await recordCommands(() => listMembers(owner, chatId, { limit: 2, q: prefix, cursor: first.nextCursor! }))
    expect(second.items).toEqual([])
    expect(second.nextCursor).not.toBeNull()
    expect(commands.filter(command => command.collection === 'users')).toHaveLength(5)
    const third = await listMembers(owner, chatId, { limit: 2, q: prefix, cursor: second.nextCursor! })
    expect(third.items.map(member => member.user.id)).toEqual([matching[600]])
    expect(third.nextCursor).toBeNull()
  }, 120_000)
})
