import type { Chat as ChatDto, Member, MemberRole, Membership as MembershipDto, NotificationLevel, Message as MessageDto, User } from '#shared/types/api'
import type { MembershipDoc } from '../models/chat'
import { Message, messageIdFor } from '../models/message'
import type { StoredChat } from '../services/access'
import { findMembership } from '../services/access'
import { deletedUser, loadPeople, toPublicUser, type PersonRecord } from '../services/people'
import { mentionCount } from '../services/mentions'
import { toMessages, type StoredMessage } from './messages'

/**
 * Unread = messages from others above lastReadSeq that are not deleted, derived at read
 * time from stored numbers (never a counter that could drift): the seqs above
 * lastReadSeq, minus the reader's own (kept on the membership), minus deleted ones of
 * others (kept on the chat). See docs/api-realtime.md, "Unread counts".
 */
export function unreadCount(chat: Pick<StoredChat, 'lastSeq' | 'recentDeletions'>, membership: Pick<MembershipDoc, 'userId' | 'lastReadSeq' | 'ownSeqsAfterRead'>): number {
  const readUpTo = membership.lastReadSeq
  if (chat.lastSeq <= readUpTo) return 0
  const own = membership.ownSeqsAfterRead.filter(seq => seq > readUpTo && seq <= chat.lastSeq).length
  const deleted = chat.recentDeletions.filter(deletion => deletion.seq > readUpTo && deletion.senderId !== membership.userId).length
  return Math.max(0, chat.lastSeq - readUpTo - own - deleted)
}

/** Direct chats and groups notify on every message, channels on mentions only. */
export function defaultNotificationLevel(chat: Pick<StoredChat, 'type'>): NotificationLevel {
  return chat.type === 'channel' ? 'mentions' : 'all'
}

export function toMembership(chat: StoredChat, membership: MembershipDoc): MembershipDto {
  return {
    role: membership.role as MemberRole,
    lastReadSeq: membership.lastReadSeq,
    unreadCount: unreadCount(chat, membership),
    mentionCount: mentionCount(chat, membership),
    notify: (membership.notify as NotificationLevel | null | undefined) ?? defaultNotificationLevel(chat),
    mutedUntil: membership.mutedUntil && membership.mutedUntil.getTime() > Date.now() ? membership.mutedUntil.toISOString() : null,
    joinedAt: membership.joinedAt.toISOString(),
  }
}

export interface ChatParts {
  membership: MembershipDoc | null
  lastMessage: MessageDto | null
  peer: User | null
}

export function toChat(chat: StoredChat, parts: ChatParts): ChatDto {
  return {
    id: chat._id.toHexString(),
    type: chat.type as ChatDto['type'],
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

export function peerIdOf(chat: StoredChat, viewerId: string): string | null {
  if (chat.type !== 'direct') return null
  return chat.memberIds?.find(id => id !== viewerId) ?? chat.memberIds?.[0] ?? null
}

export function toUserOrDeleted(id: string, person: PersonRecord | null | undefined): User {
  return person ? toPublicUser(person) : deletedUser(id)
}

/**
 * Renders chats for one viewer. Per chat: its membership, its last message and (direct
 * chats) the peer, each read by `_id`, all in parallel; no query depends on chat size.
 * `memberships` may pass already-known memberships (null = not a member).
 */
export async function toChatsFor(viewerId: string, chats: StoredChat[], memberships?: Map<string, MembershipDoc | null>): Promise<ChatDto[]> {
  if (chats.length === 0) return []
  const [loadedMemberships, lastMessages, people] = await Promise.all([
    Promise.all(chats.map(chat => memberships?.has(chat._id.toHexString())
      ? memberships.get(chat._id.toHexString()) ?? null
      : findMembership(chat._id.toHexString(), viewerId))),
    Promise.all(chats.map(chat => chat.lastSeq > 0
      ? Message.findById(messageIdFor(chat._id.toHexString(), chat.lastSeq)).lean<StoredMessage>().exec()
      : null)),
    loadPeople(chats.map(chat => peerIdOf(chat, viewerId)).filter((id): id is string => !!id)),
  ])
  const present = lastMessages.filter((message): message is StoredMessage => !!message)
  const rendered = new Map((await toMessages(present)).map(message => [message.id, message]))
  return chats.map((chat, index) => {
    const peerId = peerIdOf(chat, viewerId)
    const last = lastMessages[index]
    return toChat(chat, {
      membership: loadedMemberships[index] ?? null,
      lastMessage: last ? rendered.get(last._id.toHexString()) ?? null : null,
      peer: peerId ? toUserOrDeleted(peerId, people.get(peerId)) : null,
    })
  })
}

export async function toChatFor(viewerId: string, chat: StoredChat, membership?: MembershipDoc | null): Promise<ChatDto> {
  const known = membership === undefined ? undefined : new Map([[chat._id.toHexString(), membership]])
  return (await toChatsFor(viewerId, [chat], known))[0]!
}

export function toMember(membership: MembershipDoc, person: PersonRecord | null | undefined): Member {
  return {
    user: toUserOrDeleted(membership.userId, person),
    role: membership.role as MemberRole,
    joinedAt: membership.joinedAt.toISOString(),
    lastReadSeq: membership.lastReadSeq,
  }
}
