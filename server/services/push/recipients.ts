import type { Message as MessageDto } from '#shared/types/api'
import { wantsNotification } from '#shared/notifications'
import { MembershipModel, membershipId, type ChatRecord, type MembershipRecord } from '../../models'
import { visibleSince } from '../realtime'

// Who is pushed a message (docs/messages.md, "Web Push"): the people it mentions and,
// in a direct chat, the other person; each by their own setting for the chat (muted:
// never; "mentions only": only a mention; shared/notifications.ts, the rule the open tab's
// notifications follow too), never the sender, never while a tab of theirs is visible.

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

export interface PushCandidates {
  /** Who may be pushed: mentioned, or the other person of a direct chat; never the sender, never with a tab shown. */
  userIds: string[]
  /** Memberships already read (a channel's `@all`). */
  memberships: MembershipRecord[]
}

/** Who might be pushed the message, before their settings are read. */
export async function pushCandidates(job: PushableMessage): Promise<PushCandidates> {
  const candidates = new Set(job.mentionedUserIds)
  let memberships: MembershipRecord[] = []
  if (job.everyone && !job.chat.memberIds) {
    // A channel keeps no member list: read its members (the chat's index on MongoDB), capped.
    memberships = await MembershipModel.find({ chatId: job.chat._id.toHexString() }).limit(CHANNEL_PUSH_FANOUT).lean<MembershipRecord[]>().exec()
    for (const membership of memberships) candidates.add(membership.userId)
  }
  if (job.everyone || job.chat.type === 'direct') for (const id of job.chat.memberIds ?? []) candidates.add(id)
  const senderId = job.message.sender.id
  return { userIds: [...candidates].filter(userId => userId !== senderId && !visibleSince(userId, job.sentAt)), memberships }
}

/**
 * Of these candidates (those with a device), the ones whose setting for the chat wants the
 * push; their memberships are read by `_id` (one `$in`) unless already read.
 */
export async function pushRecipients(job: PushableMessage, candidates: PushCandidates, userIds: string[], now = Date.now()): Promise<PushRecipient[]> {
  if (userIds.length === 0) return []
  const chatId = job.chat._id.toHexString()
  const mentioned = new Set(job.mentionedUserIds)
  const wanted = new Set(userIds)
  const known = candidates.memberships.filter(membership => wanted.has(membership.userId))
  const knownIds = new Set(known.map(membership => membership.userId))
  const missing = userIds.filter(userId => !knownIds.has(userId))
  const loaded = missing.length === 0
    ? known
    : [...known, ...await MembershipModel.find({ _id: { $in: missing.map(userId => membershipId(chatId, userId)) } }).lean<MembershipRecord[]>().exec()]
  return loaded.flatMap((membership) => {
    const reason: PushRecipient['reason'] = job.everyone || mentioned.has(membership.userId) ? 'mention' : 'direct'
    if (reason === 'direct' && job.chat.type !== 'direct') return []
    return wantsNotification(job.chat.type, membership, reason === 'mention', now) ? [{ userId: membership.userId, reason }] : []
  })
}
