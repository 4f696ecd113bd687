import type { ChatViewer } from '#shared/permissions'
import { ChatModel, findByIds, loadById, MembershipModel, membershipId, type ChatRecord, type MembershipRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { apiError } from '../../utils/errors'

// Who may see and act in a chat: every chat and message service starts here.

export async function findChat(chatId: string): Promise<ChatRecord | null> {
  return loadById<ChatRecord>(ChatModel, chatId)
}

export async function findMembership(chatId: string, userId: string): Promise<MembershipRecord | null> {
  return loadById<MembershipRecord>(MembershipModel, membershipId(chatId, userId))
}

/** Memberships of `userIds` in one chat by their `_id`s: one `$in` command; absent ones are left out. */
export async function findMemberships(chatId: string, userIds: string[]): Promise<Map<string, MembershipRecord>> {
  const found = await findByIds<MembershipRecord>(MembershipModel, userIds.map(userId => membershipId(chatId, userId)))
  return new Map(found.map(membership => [membership.userId, membership]))
}

export interface ChatAccess {
  chat: ChatRecord
  membership: MembershipRecord | null
}

/**
 * The chat as the actor may see it: channels are public, groups and direct chats exist
 * only for their members (404 otherwise, like a chat that does not exist). Two reads by `_id`.
 */
export async function requireVisibleChat(actor: Pick<Actor, 'userId'>, chatId: string): Promise<ChatAccess> {
  const [chat, membership] = await Promise.all([findChat(chatId), findMembership(chatId, actor.userId)])
  if (!chat) throw apiError('not_found')
  if (chat.type !== 'channel' && !membership) throw apiError('not_found')
  return { chat, membership }
}

/** Like requireVisibleChat, and the actor must be a member (a channel not joined: 403). */
export async function requireMember(actor: Pick<Actor, 'userId'>, chatId: string): Promise<ChatAccess & { membership: MembershipRecord }> {
  const access = await requireVisibleChat(actor, chatId)
  if (!access.membership) throw apiError('forbidden', 'Join this channel first.')
  return access as ChatAccess & { membership: MembershipRecord }
}

/** The actor as shared/permissions.ts judges them in this chat. */
export function chatViewer(actor: Pick<Actor, 'role'>, { chat, membership }: ChatAccess): ChatViewer {
  return { chatType: chat.type, role: membership?.role, siteRole: actor.role }
}
