import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { H3Error } from 'h3'
import { Types } from 'mongoose'
import { ChatKeyModel, ChatModel, MembershipModel, membershipId } from '../../server/models/chat'
import { migrateChannelKeys } from '../../server/services/chats/channel-key-migration'
import { createChat, listPublicChats } from '../../server/services/chats/chats'
import { connectServices, createTestUser, disconnectServices } from '../harness/services'

// Channels stored by an older Parley: without the directory's search keys, and (older still)
// holding the key of their name as typed, not composed (docs/api.md, "Channel names").

beforeAll(async () => {
  await connectServices('chankeys')
})
afterAll(async () => {
  await disconnectServices()
})

/** A channel as an older version stored it: no searchKey or topicKey, `nameKey` as given. */
async function storeOldChannel(ownerId: string, name: string, nameKey: string, topic: string | null = null): Promise<string> {
  const _id = new Types.ObjectId()
  const chatId = _id.toHexString()
  const now = new Date()
  await ChatModel.collection.insertOne({ _id, type: 'channel', name, nameKey, topic, createdBy: ownerId, memberCount: 1, lastSeq: 0, lastChangeSeq: 0, lastActivityAt: now, createdAt: now, updatedAt: now, recentDeletions: [], recentChatWideMentions: [] })
  await ChatKeyModel.create({ _id: `channel:${nameKey}`, chatId })
  await MembershipModel.create({ _id: membershipId(chatId, ownerId), chatId, userId: ownerId, role: 'owner', joinedAt: now })
  return chatId
}

async function status(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'created'
  }
  catch (error) {
    return ((error as H3Error).data as { code: string }).code
  }
}

describe('the start-up migration of old channels', () => {
  it('makes old channels found by the accent-free search, and takes the composed key of a name stored decomposed', async () => {
    const ana = await createTestUser()
    const stamp = Date.now()
    const composed = `Café-${stamp}`
    const decomposed = `Re\u0301sume\u0301-${stamp}`
    const cafe = await storeOldChannel(ana.userId, composed, composed.toLowerCase(), 'Old Crème topic')
    const resume = await storeOldChannel(ana.userId, decomposed, decomposed.toLowerCase())
    const ids = async (q: string) => (await listPublicChats(ana, { limit: 100, q })).items.map(chat => chat.id)

    // Before it: found as before (case, and the composed form), not without the accent.
    expect(await ids(`CAFÉ-${stamp}`)).toEqual([cafe])
    expect(await ids(`cafe-${stamp}`)).toEqual([])
    expect(await migrateChannelKeys()).toBeGreaterThanOrEqual(2)

    expect(await ids(`cafe-${stamp}`)).toEqual([cafe])
    expect(await ids(`CAFÉ-${stamp}`)).toEqual([cafe])
    expect(await ids('old creme topic')).toEqual([cafe])
    expect(await ids(`resume-${stamp}`)).toEqual([resume])
    expect(await ids(`Résumé-${stamp}`)).toEqual([resume])
    expect(await status(createChat(ana, { type: 'channel', name: `Résumé-${stamp}` }))).toBe('name_taken')
    expect(await ChatKeyModel.findById(`channel:${decomposed.toLowerCase()}`).lean()).toBeNull()
    expect(await ChatKeyModel.findById(`channel:${decomposed.normalize('NFC').toLowerCase()}`).lean()).toMatchObject({ chatId: resume })
    // Done once: a second start changes nothing.
    expect(await migrateChannelKeys()).toBe(0)
  })

  it('leaves both channels as they are when an old decomposed name and a composed one already stand side by side', async () => {
    const ana = await createTestUser()
    const stamp = Date.now()
    const decomposed = `e\u0301te\u0301-${stamp}`
    const old = await storeOldChannel(ana.userId, decomposed, decomposed.toLowerCase())
    const twin = (await createChat(ana, { type: 'channel', name: decomposed.normalize('NFC') })).chat.id
    await migrateChannelKeys()
    expect((await ChatKeyModel.findById(`channel:${decomposed.toLowerCase()}`).lean())?.chatId).toBe(old)
    expect((await ChatKeyModel.findById(`channel:${decomposed.normalize('NFC')}`).lean())?.chatId).toBe(twin)
    expect((await listPublicChats(ana, { limit: 100, q: `ete-${stamp}` })).items.map(chat => chat.id).sort()).toEqual([old, twin].sort())
  })
})
