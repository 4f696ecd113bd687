import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { H3Error } from 'h3'
import { createChat, getChat, listChats } from '../../server/services/chats/chats'
import { addMembers, joinChat, leaveChat, markRead, removeMember } from '../../server/services/chats/memberships'
import { changes, history, searchMessages } from '../../server/services/messages/history'
import { deleteMessage, editMessage, setReaction } from '../../server/services/messages/changes'
import { sendMessage } from '../../server/services/messages/send'
import { ChatModel } from '../../server/models/chat'
import { connectServices, createTestUser, disconnectServices } from '../harness/services'

beforeAll(async () => {
  await connectServices('chatsvc')
})
afterAll(async () => {
  await disconnectServices()
})

async function rejection(promise: Promise<unknown>): Promise<{ statusCode: number, code: string }> {
  try {
    await promise
  }
  catch (error) {
    const h3 = error as H3Error
    return { statusCode: h3.statusCode, code: (h3.data as { code: string }).code }
  }
  throw new Error('expected a rejection')
}

describe('chat and message services on the embedded engine', () => {
  it('creates one direct chat per pair, refuses yourself, and lists it', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const first = await createChat(ana, { type: 'direct', userId: bob.userId })
    expect(first.created).toBe(true)
    const again = await createChat(bob, { type: 'direct', username: ana.username.toUpperCase() })
    expect(again.created).toBe(false)
    expect(again.chat.id).toBe(first.chat.id)
    expect(again.chat.peer?.id).toBe(ana.userId)
    expect(await rejection(createChat(ana, { type: 'direct', userId: ana.userId }))).toEqual({ statusCode: 400, code: 'validation_failed' })
    const list = await listChats(ana, { limit: 30 })
    expect(list.items.map(chat => chat.id)).toEqual([first.chat.id])
  })

  it('numbers concurrent sends without gaps or duplicates and keeps clientIds idempotent', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const { chat } = await createChat(ana, { type: 'group', name: 'Race', memberIds: [bob.userId] })
    const sends = await Promise.all(Array.from({ length: 60 }, (_, i) => sendMessage(i % 2 ? ana : bob, chat.id, { content: `m${i}`, clientId: `c${i}` })))
    expect(sends.map(send => send.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    const replay = await sendMessage(bob, chat.id, { content: 'other text', clientId: 'c0' })
    expect(replay.created).toBe(false)
    expect(replay.message.id).toBe(sends[0]!.message.id)
    const page = await history(ana, chat.id, { limit: 50 })
    expect(page.items).toHaveLength(50)
    expect(page.items[0]!.seq).toBe(11)
    expect(page).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false })
    const around = await history(ana, chat.id, { around: 30, limit: 5 })
    expect(around.items.map(m => m.seq)).toEqual([28, 29, 30, 31, 32])
    const detail = await getChat(bob, chat.id)
    expect(detail.lastSeq).toBe(60)
    expect(detail.members?.map(member => member.id).sort()).toEqual([ana.userId, bob.userId].sort())
  })

  it('tracks edits, deletes and reactions as changes and derives unread counts', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const { chat } = await createChat(ana, { type: 'direct', userId: bob.userId })
    const sent = []
    for (let i = 0; i < 5; i++) sent.push((await sendMessage(ana, chat.id, { content: `hello ${i}` })).message)
    await sendMessage(bob, chat.id, { content: 'mine' })
    const since = (await getChat(bob, chat.id)).lastChangeSeq
    await editMessage(ana, sent[0]!.id, 'edited')
    await deleteMessage(ana, sent[1]!.id)
    const reacted = await setReaction(bob, sent[2]!.id, '👍', true)
    expect(reacted.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.userId] }])
    const unchanged = await setReaction(bob, sent[2]!.id, '👍', true)
    expect(unchanged.changeSeq).toBe(reacted.changeSeq)
    const caughtUp = await changes(bob, chat.id, since, 50)
    expect(caughtUp.items.map(m => m.id)).toEqual([sent[0]!.id, sent[1]!.id, sent[2]!.id])
    expect(caughtUp.items[1]).toMatchObject({ content: '', reactions: [] })
    expect(caughtUp.items[1]!.deletedAt).not.toBeNull()
    expect(caughtUp).toMatchObject({ hasMore: false, lastChangeSeq: since + 3 })

    const bobView = (await getChat(bob, chat.id)).membership!
    expect(bobView.unreadCount).toBe(4) // 5 from ana, one deleted; bob's own never counts
    expect((await getChat(ana, chat.id)).membership!.unreadCount).toBe(1)
    await markRead(bob, chat.id, 3)
    expect((await getChat(bob, chat.id)).membership).toMatchObject({ lastReadSeq: 3, unreadCount: 2 })
    await markRead(bob, chat.id, 1000)
    expect((await getChat(bob, chat.id)).membership).toMatchObject({ lastReadSeq: 6, unreadCount: 0 })
  })

  it('searches case-insensitively, escapes the text and sees only the caller\'s chats', async () => {
    const [ana, bob, eve] = await Promise.all([createTestUser(), createTestUser(), createTestUser()])
    const { chat } = await createChat(ana, { type: 'direct', userId: bob.userId })
    await sendMessage(ana, chat.id, { content: 'Price is 5$ (approx.)' })
    await sendMessage(ana, chat.id, { content: 'nothing here' })
    const found = await searchMessages(bob, { q: '5$ (APPROX', limit: 30 })
    expect(found.items.map(m => m.content)).toEqual(['Price is 5$ (approx.)'])
    expect((await searchMessages(eve, { q: 'price', limit: 30 })).items).toEqual([])
  })

  it('handles channels: unique names, join, posting rules, ownership hand-over', async () => {
    const [owner, member, guest] = await Promise.all([createTestUser(), createTestUser(), createTestUser('guest')])
    const name = `General ${Date.now()}`
    const { chat } = await createChat(owner, { type: 'channel', name })
    expect(await rejection(createChat(member, { type: 'channel', name: name.toUpperCase() }))).toEqual({ statusCode: 409, code: 'name_taken' })
    expect(await rejection(createChat(guest, { type: 'group', name: 'no', memberIds: [] }))).toEqual({ statusCode: 403, code: 'forbidden' })
    expect(await rejection(sendMessage(member, chat.id, { content: 'not joined' }))).toEqual({ statusCode: 403, code: 'forbidden' })
    await joinChat(member, chat.id)
    await joinChat(member, chat.id)
    expect((await getChat(owner, chat.id)).memberCount).toBe(2)
    await sendMessage(member, chat.id, { content: 'joined' })
    await leaveChat(owner, chat.id)
    expect((await getChat(member, chat.id)).membership?.role).toBe('owner')
  })

  it('groups: add and remove members, unknown ids refused, empty group deleted', async () => {
    const [owner, a, b] = await Promise.all([createTestUser(), createTestUser(), createTestUser()])
    const { chat } = await createChat(owner, { type: 'group', name: 'Team', memberIds: [a.userId] })
    expect(await rejection(addMembers(owner, chat.id, ['0123456789abcdef01234567']))).toEqual({ statusCode: 400, code: 'validation_failed' })
    await addMembers(owner, chat.id, [b.userId])
    expect((await getChat(b, chat.id)).memberCount).toBe(3)
    await removeMember(owner, chat.id, b.userId)
    expect(await rejection(getChat(b, chat.id))).toEqual({ statusCode: 404, code: 'not_found' })
    await leaveChat(a, chat.id)
    await leaveChat(owner, chat.id)
    expect(await rejection(getChat(owner, chat.id))).toEqual({ statusCode: 404, code: 'not_found' })
  })

  it('repairs counters another instance\'s slower write left behind', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const { chat } = await createChat(ana, { type: 'direct', userId: bob.userId })
    for (let i = 0; i < 4; i++) await sendMessage(ana, chat.id, { content: `n${i}` })
    await ChatModel.updateOne({ _id: chat.id }, { $set: { lastSeq: 2, lastChangeSeq: 2 } })
    const page = await history(bob, chat.id, { limit: 50 })
    expect(page.items.map(m => m.seq)).toEqual([1, 2, 3, 4])
    expect(await ChatModel.findById(chat.id).lean()).toMatchObject({ lastSeq: 4, lastChangeSeq: 4 })
    const next = await sendMessage(bob, chat.id, { content: 'after' })
    expect(next.message.seq).toBe(5)
  })
})
