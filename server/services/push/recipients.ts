import type { Message as MessageDto } from '#shared/types/api'
import { defaultNotificationLevel } from '../../dto/chats'
import { MembershipModel, membershipId, type ChatRecord, type MembershipRecord } from '../../models'
import { visibleSince } from '../realtime/visibility'

// Who is pushed a message (docs/messages.md, "Web Push"): the people it mentions and,
// in a direct chat, the other person; each by their own setting for the chat (muted:
// never; "mentions only": only a mention), never the sender, never while a tab of theirs
// is visible.

/** An `@all` in a channel pushes to at most this many members (one indexed read, off the send path). */
export const CHANNEL_PUSH_FANOUT = 1_000

export interface PushableMessage {
  chat: Pick<ChatRecord, '_id' | 'type' | 'name' | 'memberIds'>
  message: MessageDto
  /** Named members and, for `@here`, the members online when it was sent. */
  mentionedUserIds: string[]
  /** `@all`, where the sender may. */
  everyone: boolean
  /** When it was sent (performance.now()): a tab visible since then has shown it. */
  sentAt: number
}

export interface PushRecipient { userId: string, reason: 'mention' | 'direct' }

function wantsPush(chat: PushableMessage['chat'], membership: MembershipRecord, reason: PushRecipient['reason'], now: number): boolean {
  if (membership.mutedUntil && new Date(membership.mutedUntil).getTime() > now) return false
  const level = membership.notify ?? defaultNotificationLevel(chat)
  if (level === 'none') return false
  return reason === 'mention' || level === 'all'
}

/** The members to push to, with their memberships read by `_id` (one `$in`). */
export async function pushRecipients(job: PushableMessage, now = Date.now()): Promise<PushRecipient[]> {
  const chatId = job.chat._id.toHexString()
  const senderId = job.message.sender.id
  const mentioned = new Set(job.mentionedUserIds)
  const candidates = new Set(mentioned)
  let memberships: MembershipRecord[] | null = null
  if (job.everyone && !job.chat.memberIds) {
    // A channel keeps no member list: read its members (the chat's index on MongoDB), capped.
    memberships = await MembershipModel.find({ chatId }).limit(CHANNEL_PUSH_FANOUT).lean<MembershipRecord[]>().exec()
    for (const membership of memberships) candidates.add(membership.userId)
  }
  if (job.everyone || job.chat.type === 'direct') for (const id of job.chat.memberIds ?? []) candidates.add(id)
  const everyoneMentioned = job.everyone
  const wanted = [...candidates].filter(userId => userId !== senderId && !visibleSince(userId, job.sentAt))
  if (wanted.length === 0) return []
  const wantedSet = new Set(wanted)
  const known = (memberships ?? []).filter(membership => wantedSet.has(membership.userId))
  const knownIds = new Set(known.map(membership => membership.userId))
  const missing = wanted.filter(userId => !knownIds.has(userId))
  const loaded = missing.length === 0
    ? known
    : [...known, ...await MembershipModel.find({ _id: { $in: missing.map(userId => membershipId(chatId, userId)) } }).lean<MembershipRecord[]>().exec()]
  return loaded.flatMap((membership) => {
    const reason: PushRecipient['reason'] = everyoneMentioned || mentioned.has(membership.userId) ? 'mention' : 'direct'
    if (reason === 'direct' && job.chat.type !== 'direct') return []
    return wantsPush(job.chat, membership, reason, now) ? [{ userId: membership.userId, reason }] : []
  })
}
