import { LRUCache } from 'lru-cache'
import type { ChatRecord, MembershipRecord, UserRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { apiError } from '../../utils/errors'
import { findUser } from '../accounts/users'
import { findChat, findMembership } from '../chats/access'
import { onEnvelope } from '../realtime/bus'
import { forgetCounters } from './chat-counters'

// What a send reads before it takes the chat's lock, remembered by this instance: the
// chat's header, the sender's membership and the sender's name (issue 16: a send made 12
// round trips, 3 of them these). A miss reads by `_id` and remembers; nothing here is ever
// the last word on who may send: the send reads the membership again under the chat's
// lock (send.ts, docs/guarantees.md "A removed member cannot send"), so a stale entry can
// only let a removed member get as far as the lock, never store a message.
//
// Kept current by the events every instance hears over the bus (one Redis channel between
// instances, in-process without it): a member removed, a role changed (`member.updated`),
// a chat updated or deleted, a user renamed or signed out everywhere. `publish` delivers to
// this instance's listeners before it returns, so an instance forgets inside the change's
// own call, before its response. What the bus may lose between instances (a publish that
// failed while Redis was away) is bounded twice, as for the chat list's order (activity.ts):
// an entry lives at most ENTRY_TTL_MS, and everything is forgotten when the bus comes back.

/** How long an entry is trusted without a read (bounds the harm of an event lost between instances). */
export const ENTRY_TTL_MS = 60_000
/** The most entries of each kind (least recently used go first). */
const MAX_ENTRIES = 50_000

export type ChatHeader = Pick<ChatRecord, '_id' | 'type' | 'memberCount' | 'name' | 'memberIds'>
export type MemberHeader = Pick<MembershipRecord, 'chatId' | 'userId' | 'role'>
export type SenderName = Pick<UserRecord, 'username' | 'displayName'>

const chats = new LRUCache<string, ChatHeader>({ max: MAX_ENTRIES, ttl: ENTRY_TTL_MS })
const members = new LRUCache<string, MemberHeader>({ max: MAX_ENTRIES, ttl: ENTRY_TTL_MS })
const senders = new LRUCache<string, SenderName>({ max: MAX_ENTRIES, ttl: ENTRY_TTL_MS })

/**
 * Counts what was forgotten: a read that started before an invalidation does not store
 * what it read (it may be what the invalidation was about).
 */
let forgotten = 0

function memberKey(chatId: string, userId: string): string {
  return `${chatId}:${userId}`
}

/** Remembers a chat just read (only if nothing was forgotten since `readSince`). */
export function rememberChat(chat: ChatRecord, readSince = forgotten): ChatHeader {
  const header: ChatHeader = { _id: chat._id, type: chat.type, memberCount: chat.memberCount, name: chat.name, memberIds: chat.memberIds }
  if (readSince === forgotten) chats.set(chat._id.toHexString(), header)
  return header
}

/** Remembers a membership just read (only if nothing was forgotten since `readSince`). */
export function rememberMembership(membership: MembershipRecord, readSince = forgotten): MemberHeader {
  const header: MemberHeader = { chatId: membership.chatId, userId: membership.userId, role: membership.role }
  if (readSince === forgotten) members.set(memberKey(membership.chatId, membership.userId), header)
  return header
}

/** Pass to rememberChat/rememberMembership after reading: nothing read before a change is remembered. */
export function sendCacheEpoch(): number {
  return forgotten
}

export function forgetMembership(chatId: string, userId: string): void {
  forgotten++
  members.delete(memberKey(chatId, userId))
}

function forgetChat(chatId: string): void {
  forgotten++
  chats.delete(chatId)
}

function forgetSender(userId: string): void {
  forgotten++
  senders.delete(userId)
}

/** Forgets everything (after a bus outage, events may have been lost; and for tests). */
export function forgetSendCache(): void {
  forgotten++
  forgetCounters()
  chats.clear()
  members.clear()
  senders.clear()
}

export interface SendAccess { chat: ChatHeader, membership: MemberHeader, sender: SenderName | null }

/**
 * The chat, the actor's membership and name as a send needs them: remembered, or read by
 * `_id` (the three reads together). Errors as requireMember's: a chat that does not exist,
 * or a group or direct chat the actor is not in, 404; a channel not joined, 403.
 */
export async function requireSender(actor: Pick<Actor, 'userId'>, chatId: string): Promise<SendAccess> {
  const since = forgotten
  const [chat, membership, sender] = await Promise.all([
    chats.get(chatId) ?? findChat(chatId).then(found => found && rememberChat(found, since)),
    members.get(memberKey(chatId, actor.userId)) ?? findMembership(chatId, actor.userId).then(found => found && rememberMembership(found, since)),
    nameOf(actor.userId, since),
  ])
  if (!chat) throw apiError('not_found')
  if (!membership) throw chat.type === 'channel' ? apiError('forbidden', 'Join this channel first.') : apiError('not_found')
  // A direct chat whose other person deleted their account has nobody to read it (api-accounts.md).
  const peerId = chat.type === 'direct' ? chat.memberIds?.find(id => id !== actor.userId) : undefined
  if (peerId && !(await nameOf(peerId, since))) throw apiError('forbidden', PEER_DELETED)
  return { chat, membership, sender }
}

/** Why nothing can be sent into a direct chat with a deleted account. */
const PEER_DELETED = 'This account was deleted: nobody reads this chat any more.'

/** A user's name, remembered (a deleted account, null, is read again each time). */
function nameOf(userId: string, since: number): SenderName | null | Promise<SenderName | null> {
  return senders.get(userId) ?? findUser(userId).then((found) => {
    if (!found) return null
    const name: SenderName = { username: found.username, displayName: found.displayName }
    if (since === forgotten) senders.set(userId, name)
    return name
  })
}

onEnvelope(({ event }) => {
  switch (event.type) {
    case 'member.removed':
      forgetMembership(event.chatId, event.userId)
      forgetChat(event.chatId) // its member count
      return
    case 'member.added':
      forgetChat(event.chatId)
      return
    case 'member.updated':
      forgetMembership(event.chatId, event.userId)
      return
    case 'chat.updated':
      forgetChat(event.chat.id)
      return
    case 'chat.deleted':
    case '$drop-chat':
      forgetChat(event.chatId)
      return
    case '$user-changed':
    case '$revoke':
      forgetSender(event.userId)
  }
})
