import type { Chat as ChatDto, Member, Membership as MembershipDto, Message as MessageDto, User } from '#shared/types/api'
import { defaultNotificationLevel } from '#shared/notifications'
import type { ChatRecord, MembershipRecord } from '../models'

// Chats and memberships become wire objects here, from documents already loaded
// (server/services/chats/render.ts loads what a chat shows).

/**
 * Unread = messages from others above lastReadSeq that are not deleted, derived at read
 * time from stored numbers (never a counter that could drift): the seqs above
 * lastReadSeq, minus the reader's own (kept on the membership), minus deleted ones of
 * others (kept on the chat). See docs/api-realtime.md, "Unread counts".
 */
export function unreadCount(chat: Pick<ChatRecord, 'lastSeq' | 'recentDeletions'>, membership: Pick<MembershipRecord, 'userId' | 'lastReadSeq' | 'ownSeqsAfterRead'>): number {
  const readUpTo = membership.lastReadSeq
  if (chat.lastSeq <= readUpTo) return 0
  const own = membership.ownSeqsAfterRead.filter(seq => seq > readUpTo && seq <= chat.lastSeq).length
  const deleted = chat.recentDeletions.filter(deletion => deletion.seq > readUpTo && deletion.senderId !== membership.userId).length
  return Math.max(0, chat.lastSeq - readUpTo - own - deleted)
}

type MentionChat = Pick<ChatRecord, 'lastSeq' | 'recentDeletions' | 'recentChatWideMentions'>
type MentionMembership = Pick<MembershipRecord, 'userId' | 'lastReadSeq' | 'mentionSeqs' | 'joinedAt'>

/**
 * Unread mentions, ascending: the member's own mention seqs above lastReadSeq, plus the
 * chat-wide mentions above it by someone else, minus deleted messages; derived, never
 * counted up. Their seqs let the app jump to one it has not loaded (docs/messages.md).
 */
export function unreadMentionSeqs(chat: MentionChat, membership: MentionMembership): number[] {
  const readUpTo = membership.lastReadSeq
  if (chat.lastSeq <= readUpTo) return []
  const seqs = new Set((membership.mentionSeqs ?? []).filter(seq => seq > readUpTo && seq <= chat.lastSeq))
  for (const mention of chat.recentChatWideMentions ?? []) {
    if (mention.seq > readUpTo && mention.senderId !== membership.userId) seqs.add(mention.seq)
  }
  for (const deletion of chat.recentDeletions) seqs.delete(deletion.seq)
  return [...seqs].sort((a, b) => a - b)
}

export function mentionCount(chat: MentionChat, membership: MentionMembership): number {
  return unreadMentionSeqs(chat, membership).length
}

export function toMembership(chat: ChatRecord, membership: MembershipRecord): MembershipDto {
  return {
    role: membership.role,
    lastReadSeq: membership.lastReadSeq,
    unreadCount: unreadCount(chat, membership),
    mentionCount: mentionCount(chat, membership),
    mentionSeqs: unreadMentionSeqs(chat, membership),
    notify: membership.notify ?? defaultNotificationLevel(chat.type),
    mutedUntil: membership.mutedUntil && membership.mutedUntil.getTime() > Date.now() ? membership.mutedUntil.toISOString() : null,
    joinedAt: membership.joinedAt.toISOString(),
  }
}

export interface ChatParts {
  membership: MembershipRecord | null
  lastMessage: MessageDto | null
  peer: User | null
}

export function toChat(chat: ChatRecord, parts: ChatParts): ChatDto {
  return {
    id: chat._id.toHexString(),
    type: chat.type,
    name: chat.name ?? null,
    topic: chat.topic ?? null,
    createdAt: (chat.createdAt as Date).toISOString(),
    createdBy: chat.createdBy,
    memberCount: chat.memberCount,
    lastSeq: chat.lastSeq,
    lastChangeSeq: chat.lastChangeSeq,
    lastMessage: parts.lastMessage,
    lastActivityAt: chat.lastActivityAt.toISOString(),
    peer: parts.peer,
    membership: parts.membership ? toMembership(chat, parts.membership) : null,
  }
}

/** The other person of a direct chat (null for groups and channels). */
export function peerIdOf(chat: ChatRecord, viewerId: string): string | null {
  if (chat.type !== 'direct') return null
  return chat.memberIds?.find(id => id !== viewerId) ?? chat.memberIds?.[0] ?? null
}

export function toMember(membership: MembershipRecord, user: User): Member {
  return {
    user,
    role: membership.role,
    joinedAt: membership.joinedAt.toISOString(),
    // A newcomer starts with nothing unread (lastReadSeq at the chat's end) but has read
    // nothing: "Seen by" them counts from their first read past it.
    lastReadSeq: membership.lastReadSeq > (membership.joinedAtSeq ?? 0) ? membership.lastReadSeq : 0,
  }
}
