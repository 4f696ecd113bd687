import { afterAll, beforeAll, expect, it } from 'vitest'
import { Types } from 'mongoose'
import { createChat, getChat } from '../../server/services/chats/chats'
import { sendMessage } from '../../server/services/messages/send'
import { UserKeyModel, UserModel, usernameKey } from '../../server/models/user'
import { connectServices, createTestUser, disconnectServices } from '../harness/services'

// Usernames that mention the whole chat are refused from now on (shared/schemas/auth.ts);
// an account that took one before keeps working (docs/api-accounts.md, "Users and profiles").

beforeAll(async () => {
  await connectServices('legacyname')
})
afterAll(async () => {
  await disconnectServices()
})

it('an account named "Everyone" before the name was refused still sends, and @everyone mentions it with the rest of the chat', async () => {
  const legacyId = new Types.ObjectId()
  await UserModel.create({ _id: legacyId, username: 'Everyone', usernameLower: 'everyone', displayName: 'Eve Ryone', role: 'user' })
  await UserKeyModel.create({ _id: usernameKey('Everyone'), userId: legacyId })
  const legacy = { userId: legacyId.toHexString(), role: 'user' as const }
  const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
  const { chat } = await createChat(ana, { type: 'group', name: 'Old names', memberIds: [bob.userId, legacy.userId] })

  const own = await sendMessage(legacy, chat.id, { content: 'still here', clientId: 'legacy-1' })
  expect(own.message.sender.username).toBe('Everyone')
  const announcement = await sendMessage(ana, chat.id, { content: '@Everyone lunch', clientId: 'ana-1' })
  expect(announcement.message).toMatchObject({ mentions: [], mentionsAll: true })
  expect((await getChat(legacy, chat.id)).membership).toMatchObject({ mentionCount: 1, mentionSeqs: [announcement.message.seq] })
  expect((await getChat(bob, chat.id)).membership).toMatchObject({ mentionCount: 1 })
})
