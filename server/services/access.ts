import type { Types } from 'mongoose'
import type { UserRole } from '#shared/types/api'
import { Chat, Membership, membershipId, type ChatDoc, type MembershipDoc } from '../models/chat'
import { apiError } from '../utils/errors'

/** Who is acting: the authenticated user (an AuthContext fits). */
export interface Actor {
  userId: string
  role: UserRole
}

export type StoredChat = ChatDoc & { _id: Types.ObjectId }

export async function findChat(chatId: string): Promise<StoredChat | null> {
  return Chat.findById(chatId).lean<StoredChat>().exec()
}

export async function findMembership(chatId: string, userId: string): Promise<MembershipDoc | null> {
  return Membership.findById(membershipId(chatId, userId)).lean<MembershipDoc>().exec()
}

export interface ChatAccess {
  chat: StoredChat
  membership: MembershipDoc | null
}

/**
 * The chat as the actor may see it: channels are public, groups and direct chats exist
 * only for their members (404 otherwise, like a chat that does not exist). Two reads by `_id`.
 */
export async function requireVisibleChat(actor: Actor, chatId: string): Promise<ChatAccess> {
  const [chat, membership] = await Promise.all([findChat(chatId), findMembership(chatId, actor.userId)])
  if (!chat) throw apiError('not_found')
  if (chat.type !== 'channel' && !membership) throw apiError('not_found')
  return { chat, membership }
}

/** Like requireVisibleChat, and the actor must be a member (a channel not joined: 403). */
export async function requireMember(actor: Actor, chatId: string): Promise<ChatAccess & { membership: MembershipDoc }> {
  const access = await requireVisibleChat(actor, chatId)
  if (!access.membership) throw apiError('forbidden', 'Join this channel first.')
  return access as ChatAccess & { membership: MembershipDoc }
}

export function isChatManager(membership: MembershipDoc | null): boolean {
  return membership?.role === 'owner' || membership?.role === 'admin'
}
