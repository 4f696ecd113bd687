import { findMentions, mayMentionChatWide, type MentionsFound } from '#shared/mentions'
import { ChatModel, findByIds, MembershipModel, membershipId, type ChatRecord, type MembershipRecord } from '../../models'
import { withLock } from '../../utils/lock'
import { findUserByUsername } from '../accounts/users'
import { findMembership, findMemberships } from '../chats/access'
import { onlineUserIds } from '../realtime'

// Mentions are resolved when a message is stored and counted at read time, like unread
// counts (docs/messages.md, "Mentions"): a named person costs one write to their own
// membership (at most MAX_MENTIONS_PER_MESSAGE per message); `@all`/`@here` (and
// `@channel`/`@everyone`, which are `@all`: #shared/chat-wide-mentions) cost one
// write to the chat whatever its size, and each member's count is derived from it
// (mentionCount in server/dto/chats.ts). `@here` means the members online when it is
// sent (presence): they are recorded like named people, so someone who was away gets no
// mention from it.

const MAX_MENTION_SEQS_KEPT = 200
const MAX_CHAT_WIDE_KEPT = 200

export interface ResolvedMentions {
  /** Ids of the named people, and of the author replied to, who can read the chat (never the sender). */
  userIds: string[]
  /** `@here`: ids of the members online now, besides the named ones (never the sender). */
  hereUserIds: string[]
  /** A chat-wide word (`@all`, `@channel`, `@everyone`, `@here`), where the sender may (the message's `mentionsAll`). */
  chatWide: boolean
  /** `@all`, `@channel` or `@everyone`, where the sender may: counted for every member at read time. */
  everyone: boolean
}

const NO_MENTIONS: MentionsFound = { usernames: [], chatWide: false, everyone: false }

/**
 * Who a message mentions: named members (by `_id` lookups), the author of the message it
 * replies to (`repliedToId`: a reply to someone is for them, as in Slack or Element), and,
 * if allowed, the whole chat.
 */
export async function resolveMentions(content: string, chat: Pick<ChatRecord, '_id' | 'type' | 'memberCount'>, sender: Pick<MembershipRecord, 'userId' | 'role'>, repliedToId: string | null = null): Promise<ResolvedMentions> {
  // Every mention is written with `@` (#shared/mentions): text without one is not parsed.
  const found = content.includes('@') ? findMentions(content) : NO_MENTIONS
  const chatId = chat._id.toHexString()
  const people = await Promise.all(found.usernames.map(name => findUserByUsername(name)))
  const named = people.map(person => person?._id.toHexString())
  const candidates = [...new Set([...named, repliedToId].filter((id): id is string => !!id && id !== sender.userId))]
  const memberships = await findMemberships(chatId, candidates)
  const userIds = candidates.filter(id => memberships.has(id))
  // The composer offers `@all`/`@here` by the same rule (#shared/mentions).
  const chatWide = found.chatWide && mayMentionChatWide(chat, sender.role)
  const everyone = chatWide && found.everyone
  const hereUserIds = chatWide && !everyone ? await onlineMembers(chatId, [sender.userId, ...userIds]) : []
  return { userIds, hereUserIds, chatWide, everyone }
}

/** The chat's members among the people online: one `$in` by membership `_id`. */
async function onlineMembers(chatId: string, except: string[]): Promise<string[]> {
  const skip = new Set(except)
  const online = onlineUserIds().filter(userId => !skip.has(userId))
  if (online.length === 0) return []
  const members = await findByIds<{ userId: string }>(MembershipModel, online.map(userId => membershipId(chatId, userId)), { userId: 1 })
  return members.map(member => member.userId)
}

/** Records a stored message's mentions; called under the chat's lock, after the message is stored. */
export async function recordMentions(chatId: string, readChat: () => Promise<ChatRecord>, seq: number, senderId: string, mentions: ResolvedMentions): Promise<void> {
  await Promise.all([...mentions.userIds, ...mentions.hereUserIds].map(userId => withLock(`member:${chatId}:${userId}`, async () => {
    const membership = await findMembership(chatId, userId)
    if (!membership) return
    const seqs = [...(membership.mentionSeqs ?? []).filter(mentioned => mentioned > membership.lastReadSeq), seq].slice(-MAX_MENTION_SEQS_KEPT)
    await MembershipModel.updateOne({ _id: membershipId(chatId, userId) }, { $set: { mentionSeqs: seqs } }).exec()
  })))
  if (mentions.everyone) {
    // The caller holds the chat's lock and `readChat` reads under it: this read-modify-write is safe.
    const chat = await readChat()
    const kept = [...(chat.recentChatWideMentions ?? []), { seq, senderId }].slice(-MAX_CHAT_WIDE_KEPT)
    await ChatModel.updateOne({ _id: chatId }, { $set: { recentChatWideMentions: kept } }).exec()
  }
}
