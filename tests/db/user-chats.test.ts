import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChat, listChats } from '../../server/services/chats/chats'
import { forgetDeletedUser, leaveChat } from '../../server/services/chats/memberships'
import { readyChats, userChatIds } from '../../server/services/chats/chat-list'
import { userChatEntryId, UserChatEntryModel, UserChatsModel } from '../../server/models/chat'
import { eventually } from '../harness/api-client'
import { connectServices, createTestUser, disconnectServices } from '../harness/services'

// The per-user chat list is a log of numbered entries plus a folded snapshot: what
// another instance did to the same list at the same instant (a number it took first, a
// snapshot it overwrote with an older one) is never lost.

beforeAll(async () => {
  await connectServices('userchats')
})
afterAll(async () => {
  await disconnectServices()
})

async function snapshotOf(userId: string) {
  return UserChatsModel.findById(userId).lean().exec()
}

describe('the per-user chat list on the embedded engine', () => {
  it('keeps a snapshot folded through the last entry after each change', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const first = (await createChat(ana, { type: 'group', name: 'One', memberIds: [bob.userId] })).chat.id
    const second = (await createChat(ana, { type: 'group', name: 'Two', memberIds: [bob.userId] })).chat.id
    await leaveChat(bob, first)
    expect(await snapshotOf(bob.userId)).toMatchObject({ chatIds: [second], through: 3 })
    expect(await snapshotOf(ana.userId)).toMatchObject({ chatIds: [first, second], through: 2 })
    expect(await UserChatEntryModel.findById(userChatEntryId(bob.userId, 3)).lean().exec()).toMatchObject({ op: 'remove', chatId: first })
  })

  it('folds the entries a snapshot overwritten by an older one misses, and refreshes it', async () => {
    const ana = await createTestUser()
    const ids = []
    for (const name of ['A', 'B', 'C']) ids.push((await createChat(ana, { type: 'group', name, memberIds: [] })).chat.id)
    // Another instance's slower write put back the snapshot as it was after the first chat.
    await UserChatsModel.updateOne({ _id: ana.userId }, { $set: { chatIds: [ids[0]], through: 1 } }).exec()
    expect((await readyChats(ana.userId)).map(chat => chat.id)).toEqual(ids)
    expect((await listChats(ana, { limit: 10 })).items.map(chat => chat.id).sort()).toEqual([...ids].sort())
    await eventually(async () => (await snapshotOf(ana.userId))?.through === 3, 10_000, 'the snapshot refresh')
    expect((await snapshotOf(ana.userId))?.chatIds).toEqual(ids)
  })

  it('takes the next number when another instance wrote the same one first, keeping both changes', async () => {
    const ana = await createTestUser()
    const mine = (await createChat(ana, { type: 'group', name: 'Mine', memberIds: [] })).chat.id
    // Another instance appended entry 2 (a chat it added) and has not written the snapshot yet.
    const theirs = '0123456789abcdef01234567'
    await UserChatEntryModel.create({ _id: userChatEntryId(ana.userId, 2), op: 'add', chatId: theirs, at: new Date() })
    const next = (await createChat(ana, { type: 'group', name: 'Next', memberIds: [] })).chat.id
    expect(await UserChatEntryModel.findById(userChatEntryId(ana.userId, 3)).lean().exec()).toMatchObject({ op: 'add', chatId: next })
    expect(await userChatIds(ana.userId)).toEqual([mine, theirs, next])
    expect(await snapshotOf(ana.userId)).toMatchObject({ chatIds: [mine, theirs, next], through: 3 })
  })

  it('deletes a deleted account\'s snapshot and entries, and only its own', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    await createChat(ana, { type: 'group', name: 'Gone', memberIds: [bob.userId] })
    await forgetDeletedUser(bob.userId)
    expect(await snapshotOf(bob.userId)).toBeNull()
    expect(await UserChatEntryModel.findById(userChatEntryId(bob.userId, 1)).lean().exec()).toBeNull()
    expect(await UserChatEntryModel.findById(userChatEntryId(ana.userId, 1)).lean().exec()).not.toBeNull()
    expect(await userChatIds(bob.userId)).toEqual([])
  })
})
