import type { Types } from 'mongoose'
import { searchableText } from '#shared/markdown'
import { BLANK_MESSAGE, hasTextOrFiles } from '#shared/schemas/messages'
import { managesChat } from '#shared/permissions'
import type { Message as MessageDto } from '#shared/types/api'
import { ChatModel, MessageModel, type ChatRecord, type MessageRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { apiError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { errorName, logger } from '../../utils/logger'
import { withDeadline } from '../../utils/resilience'
import { removeAttachmentsById } from '../attachments/lifecycle'
import { findChat, type findMembership, requireVisibleChat } from '../chats/access'
import { publishToChat } from '../realtime'
import { renderMessage } from './render'
import { bumpChatCounters, claimChangeSeq, findMessage } from './store'

// Changing a message: editing, deleting, reacting. Each change takes the chat's next
// changeSeq under the chat's lock and is announced to the chat.

const MAX_DISTINCT_REACTIONS = 20
const MAX_DELETIONS_KEPT = 200

interface Loaded { message: MessageRecord, chat: ChatRecord, membership: Awaited<ReturnType<typeof findMembership>> }

async function loadForChange(actor: Pick<Actor, 'userId' | 'role'>, messageId: string): Promise<Loaded> {
  const message = await findMessage(messageId)
  if (!message) throw apiError('not_found')
  const { chat, membership } = await requireVisibleChat(actor, message.chatId)
  return { message, chat, membership }
}

/**
 * Applies one change to a message under the chat's lock: re-reads the message, lets
 * `decide` check and describe the update (or return null for "nothing changes"), takes the
 * next changeSeq, stores, then announces it.
 */
async function changeMessage(
  chatId: string,
  messageId: Types.ObjectId,
  decide: (current: MessageRecord) => Record<string, unknown> | null,
  eventType: 'message.updated' | 'message.deleted',
  extraChatUpdate?: (current: MessageRecord, chat: ChatRecord) => Record<string, unknown> | undefined,
): Promise<MessageDto> {
  return withDeadline(() => withLock(`chat:${chatId}`, async () => {
    const current = await findMessage(messageId)
    if (!current) throw apiError('not_found')
    const set = decide(current)
    if (!set) return renderMessage(current)
    const chat = await findChat(chatId)
    if (!chat) throw apiError('not_found')
    const changeSeq = await claimChangeSeq(chatId, chat.lastChangeSeq + 1, messageId)
    await MessageModel.updateOne({ _id: messageId }, { $set: { ...set, changeSeq } }).exec()
    await bumpChatCounters(chatId, { lastChangeSeq: changeSeq })
    const chatUpdate = extraChatUpdate?.(current, chat)
    if (chatUpdate) await ChatModel.updateOne({ _id: chatId }, chatUpdate).exec()
    const message = await renderMessage((await findMessage(messageId))!)
    void publishToChat(chatId, { type: eventType, chatId, message })
    return message
  }))
}

export async function editMessage(actor: Pick<Actor, 'userId' | 'role'>, messageId: string, content: string): Promise<MessageDto> {
  const { message } = await loadForChange(actor, messageId)
  if (message.senderId !== actor.userId) throw apiError('forbidden', 'Only the author can edit a message.')
  return changeMessage(message.chatId, message._id, (current) => {
    if (current.deletedAt) throw apiError('conflict', 'This message was deleted.')
    // With files the text is a caption, which may go as it came (docs/attachments.md);
    // words alone emptied would be no message: that is a delete.
    if (!hasTextOrFiles({ content, attachments: current.attachmentIds })) throw apiError('validation_failed', BLANK_MESSAGE, { issues: [{ path: ['content'], message: BLANK_MESSAGE, code: 'custom' }] })
    if (current.content === content) return null
    return { content, searchText: searchableText(content), editedAt: new Date() }
  }, 'message.updated')
}

export async function deleteMessage(actor: Pick<Actor, 'userId' | 'role'>, messageId: string): Promise<MessageDto> {
  const { message, chat, membership } = await loadForChange(actor, messageId)
  const allowed = message.senderId === actor.userId
    || (chat.type !== 'direct' && managesChat(membership?.role))
    || actor.role === 'admin'
  if (!allowed) throw apiError('forbidden')
  let files: Types.ObjectId[] = []
  const deleted = await changeMessage(message.chatId, message._id, (current) => {
    if (current.deletedAt) return null
    files = current.attachmentIds ?? []
    return { content: '', searchText: null, reactions: [], attachmentIds: [], deletedAt: new Date() }
  }, 'message.deleted', (current, chat) => ({
    $set: { recentDeletions: [...chat.recentDeletions, { seq: current.seq, senderId: current.senderId }].slice(-MAX_DELETIONS_KEPT) },
  }))
  // Its files go with it (docs/attachments.md, "Lifecycle"); one that fails now goes with the chat.
  await removeAttachmentsById(files).catch((error: unknown) => logger.warn('removing a deleted message\'s files failed', { error: errorName(error) }))
  return deleted
}

export async function setReaction(actor: Pick<Actor, 'userId' | 'role'>, messageId: string, emoji: string, present: boolean): Promise<MessageDto> {
  const { message, membership } = await loadForChange(actor, messageId)
  if (!membership) throw apiError('forbidden', 'Join this channel first.')
  return changeMessage(message.chatId, message._id, (current) => {
    if (current.deletedAt) throw apiError('conflict', 'This message was deleted.')
    const reactions = current.reactions.map(r => ({ emoji: r.emoji, userIds: [...r.userIds] })).filter(r => r.userIds.length > 0)
    const existing = reactions.find(r => r.emoji === emoji)
    const has = !!existing?.userIds.includes(actor.userId)
    if (has === present) return null // already there (or already absent): nothing changes
    if (present) {
      if (existing) existing.userIds.push(actor.userId)
      else if (reactions.length >= MAX_DISTINCT_REACTIONS) throw apiError('conflict', `A message has at most ${MAX_DISTINCT_REACTIONS} different reactions.`)
      else reactions.push({ emoji, userIds: [actor.userId] })
    }
    else {
      existing!.userIds = existing!.userIds.filter(id => id !== actor.userId)
    }
    return { reactions: reactions.filter(r => r.userIds.length > 0) }
  }, 'message.updated')
}
