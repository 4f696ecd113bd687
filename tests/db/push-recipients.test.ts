import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChatModel, type ChatRecord } from '../../server/models'
import { createChat } from '../../server/services/chats/chats'
import { updateNotificationSettings } from '../../server/services/chats/notification-settings'
import { sendMessage } from '../../server/services/messages/send'
import { pushCandidates, pushRecipients, type PushableMessage } from '../../server/services/push/recipients'
import { connectServices, createTestUser, disconnectServices } from '../harness/services'

// Who a message is pushed to, with the clock injected (docs/messages.md, "Web Push"): a
// timed mute holds pushes back until it ends, and they resume by themselves after it.

beforeAll(async () => {
  await connectServices('pushrecipients')
})
afterAll(async () => {
  await disconnectServices()
})

describe('push recipients', () => {
  it('skip a chat muted for an hour until the hour is over', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const { chat } = await createChat(ana, { type: 'direct', userId: bob.userId })
    const mutedAt = new Date()
    await updateNotificationSettings(bob, chat.id, { muteHours: 1 }, mutedAt)
    const { message } = await sendMessage(ana, chat.id, { content: 'are you there?' })
    const record = await ChatModel.findById(chat.id).lean<ChatRecord>().exec()
    const job: PushableMessage = { chat: record!, message, mentionedUserIds: [], everyone: false, sentAt: performance.now() }
    const candidates = await pushCandidates(job)
    expect(candidates.userIds).toEqual([bob.userId])

    const during = mutedAt.getTime() + 59 * 60_000
    expect(await pushRecipients(job, candidates, [bob.userId], during)).toEqual([])
    const after = mutedAt.getTime() + 60 * 60_000 + 1
    expect(await pushRecipients(job, candidates, [bob.userId], after)).toEqual([{ userId: bob.userId, reason: 'direct' }])
  })
})
