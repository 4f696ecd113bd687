import type { NotificationSettingsInput } from '#shared/schemas/chats'
import type { Chat as ChatDto } from '#shared/types/api'
import { MembershipModel, membershipId } from '../../models'
import type { Actor } from '../../utils/auth'
import { withLock } from '../../utils/lock'
import { publishToUsers } from '../realtime'
import { findMembership, requireMember } from './access'
import { renderChatFor } from './render'

const HOUR_MS = 60 * 60 * 1000

/**
 * Changes what a chat notifies its member of (docs/messages.md, "Notification settings"):
 * one write to their membership by `_id`, then the chat, with the new membership, goes to
 * the person's own sockets so every tab of theirs applies it at once.
 */
export async function updateNotificationSettings(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, input: NotificationSettingsInput, now = new Date()): Promise<ChatDto> {
  const { chat } = await requireMember(actor, chatId)
  const set: Record<string, unknown> = {}
  if (input.notify !== undefined) set.notify = input.notify
  if (input.muteHours !== undefined) set.mutedUntil = input.muteHours === null ? null : new Date(now.getTime() + input.muteHours * HOUR_MS)
  const membership = await withLock(`member:${chatId}:${actor.userId}`, async () => {
    await MembershipModel.updateOne({ _id: membershipId(chatId, actor.userId) }, { $set: set }).exec()
    return findMembership(chatId, actor.userId)
  })
  const dto = await renderChatFor(actor.userId, chat, membership)
  await publishToUsers([actor.userId], { type: 'chat.updated', chat: dto })
  return dto
}
