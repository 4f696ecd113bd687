import type { ChatRecord } from '../../models'
import { publishControl, publishToUsers, userTopic } from '../realtime'
import { renderChatFor } from './render'

// Who hears of a chat: every socket of a member listens to the chat's topic, and each
// newcomer is told of the chat from its own side.

/** `lastSeq`: what the newcomers know of the chat, where their sockets' message order starts. */
export async function subscribe(userIds: string[], chatId: string, lastSeq: number): Promise<void> {
  await Promise.all(userIds.map(userId => publishControl({ type: '$subscribe', userId, chatId, lastSeq }, [userTopic(userId)])))
}

export async function unsubscribe(userIds: string[], chatId: string): Promise<void> {
  await Promise.all(userIds.map(userId => publishControl({ type: '$unsubscribe', userId, chatId }, [userTopic(userId)])))
}

export async function announceChatCreated(chat: ChatRecord, userIds: string[]): Promise<void> {
  // Each recipient sees the chat from its own side (its membership, its peer).
  await Promise.all(userIds.map(async (userId) => {
    const dto = await renderChatFor(userId, chat)
    await publishToUsers([userId], { type: 'chat.created', chat: dto })
  }))
}
