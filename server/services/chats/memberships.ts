import type { Chat as ChatDto, Member, MemberRole, Page, User } from '#shared/types/api'
import { MAX_GROUP_MEMBERS } from '#shared/schemas/chats'
import { mayAddMembers, mayChangeRoles, mayRemoveMember } from '#shared/permissions'
import { ChatModel, MembershipModel, membershipId, type ChatRecord, type MembershipRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { decodeCursor, encodeCursor } from '../../utils/cursor'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { toMember } from '../../dto/chats'
import { findUser, loadUsers, publicUser } from '../accounts/users'
import { publishToChat } from '../realtime'
import { chatViewer, findChat, findMembership, findMemberships, requireMember, requireVisibleChat } from './access'
import { announceChatCreated, subscribe, unsubscribe } from './announce'
import { addToUserChats, forgetUserChatList, removeFromUserChats, userChatIds } from './chat-list'
import { newMembership, removeChat, requireExistingUsers, type ListOptions } from './chats'
import { searchMembers } from './member-search'
import { renderChatFor } from './render'

// Memberships: who is in a chat with which role, joining, adding, removing, leaving,
// handing over ownership, and each member's read position.

/** Members by join time, then id (the member list's order and its cursor's). */
function byJoinTime(a: Pick<MembershipRecord, 'joinedAt' | '_id'>, b: Pick<MembershipRecord, 'joinedAt' | '_id'>): number {
  return a.joinedAt.getTime() - b.joinedAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)
}

/**
 * A direct chat's or group's memberships (at most 256, listed on the chat), one `$in`
 * on their `_id`s: opening a group never scans the memberships of every chat.
 */
async function smallChatMemberships(chat: ChatRecord): Promise<MembershipRecord[]> {
  const chatId = chat._id.toHexString()
  return [...(await findMemberships(chatId, chat.memberIds ?? [])).values()].sort(byJoinTime)
}

/** A channel's memberships (any number): a page of a scan by join time. */
async function channelMemberships(chatId: string, after: { t: number, id: string } | null, limit: number, role?: MemberRole): Promise<MembershipRecord[]> {
  const filter: Record<string, unknown> = role ? { chatId, role } : { chatId }
  if (after) {
    const joinedAt = new Date(after.t)
    filter.$or = [{ joinedAt: { $gt: joinedAt } }, { joinedAt, _id: { $gt: after.id } }]
  }
  return MembershipModel.find(filter).sort({ joinedAt: 1, _id: 1 }).limit(limit + 1).lean<MembershipRecord[]>().exec()
}

export async function listMembers(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, options: ListOptions & { role?: MemberRole, q?: string }): Promise<Page<Member>> {
  const { chat } = await requireVisibleChat(actor, chatId)
  if (options.q) return searchMembers(chat, options.q, options)
  const cursor = decodeCursor(options.cursor)
  const after = cursor?.t !== undefined ? { t: cursor.t, id: cursor.id } : null
  const found = chat.type === 'channel'
    ? await channelMemberships(chatId, after, options.limit, options.role)
    : (await smallChatMemberships(chat))
        .filter(membership => !options.role || membership.role === options.role)
        .filter(membership => !after || byJoinTime(membership, { joinedAt: new Date(after.t), _id: after.id }) > 0)
        .slice(0, options.limit + 1)
  const page = found.slice(0, options.limit)
  const people = await loadUsers(page.map(membership => membership.userId))
  const last = page[page.length - 1]
  return {
    items: page.map(membership => toMember(membership, publicUser(membership.userId, people.get(membership.userId)))),
    nextCursor: found.length > options.limit && last ? encodeCursor({ t: last.joinedAt.getTime(), id: last._id }) : null,
  }
}

export async function joinChat(actor: Pick<Actor, 'userId' | 'role'>, chatId: string): Promise<ChatDto> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  if (chat.type !== 'channel') throw apiError('forbidden', 'Only channels can be joined.')
  if (membership) return renderChatFor(actor.userId, chat, membership)
  const joined = await addMemberships(chat, [actor.userId], { ownerIfNone: true })
  return renderChatFor(actor.userId, joined, await findMembership(chatId, actor.userId))
}

/**
 * Adds members under the chat's lock; existing ones are skipped. Announces and subscribes.
 * `ownerIfNone`: a channel its owner left as its last member has no owner; whoever joins it
 * next becomes its owner, so somebody can rename, moderate or delete it again.
 */
async function addMemberships(chat: ChatRecord, userIds: string[], { ownerIfNone = false } = {}): Promise<ChatRecord> {
  const chatId = chat._id.toHexString()
  return withLock(`chat:${chatId}`, async () => {
    const current = await findChat(chatId)
    if (!current) throw apiError('not_found')
    const existing = await findMemberships(chatId, userIds)
    const fresh = userIds.filter(userId => !existing.has(userId))
    if (fresh.length === 0) return current
    if (current.type === 'group' && current.memberCount + fresh.length > MAX_GROUP_MEMBERS) {
      throw apiError('validation_failed', `A group has at most ${MAX_GROUP_MEMBERS} members.`)
    }
    const now = new Date()
    const role: MemberRole = ownerIfNone && fresh.length === 1 && !(await MembershipModel.exists({ chatId, role: 'owner' }).exec()) ? 'owner' : 'member'
    const added: string[] = []
    for (const userId of fresh) {
      try {
        await MembershipModel.create(newMembership(chatId, userId, role, now, current.lastSeq))
        added.push(userId)
      }
      catch (error) {
        if (!isDuplicateKeyError(error)) throw error
      }
    }
    const update: Record<string, unknown> = { $inc: { memberCount: added.length } }
    if (current.memberIds) update.$addToSet = { memberIds: { $each: added } }
    await ChatModel.updateOne({ _id: current._id }, update).exec()
    const updated = (await findChat(chatId))!
    const people = await loadUsers(added)
    // The members already there learn of the newcomers; then the newcomers are subscribed.
    for (const userId of added) {
      await publishToChat(chatId, { type: 'member.added', chatId, user: publicUser(userId, people.get(userId)), role })
    }
    await addToUserChats(added, chatId)
    await subscribe(added, chatId, updated.lastSeq)
    await announceChatCreated(updated, added)
    return updated
  })
}

export async function addMembers(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, userIds: string[]): Promise<ChatDto> {
  const access = await requireMember(actor, chatId)
  const { chat, membership } = access
  if (chat.type !== 'group') throw apiError('forbidden', 'Members can only be added to groups.')
  if (!mayAddMembers(chatViewer(actor, access))) throw apiError('forbidden')
  const unique = [...new Set(userIds)]
  await requireExistingUsers(unique)
  const updated = await addMemberships(chat, unique)
  return renderChatFor(actor.userId, updated, membership)
}

/**
 * Removes one membership under the chat's lock and stops the user's sockets getting the chat.
 * An owner's ownership passes on under the same lock: a channel is never seen without an
 * owner by someone joining it meanwhile (who would become a second owner).
 */
async function dropMembership(chat: ChatRecord, userId: string): Promise<ChatRecord | null> {
  const chatId = chat._id.toHexString()
  return withLock(`chat:${chatId}`, async () => {
    const removed = await MembershipModel.findOneAndDelete({ _id: membershipId(chatId, userId) }).lean<MembershipRecord>().exec()
    if (!removed) return findChat(chatId)
    const update: Record<string, unknown> = { $inc: { memberCount: -1 } }
    if (chat.memberIds) update.$pull = { memberIds: userId }
    await ChatModel.updateOne({ _id: chat._id }, update).exec()
    await publishToChat(chatId, { type: 'member.removed', chatId, userId })
    await unsubscribe([userId], chatId)
    await removeFromUserChats([userId], chatId)
    if (removed.role === 'owner') await handOverOwnership(chatId)
    return findChat(chatId)
  })
}

export async function removeMember(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, userId: string): Promise<void> {
  const access = await requireVisibleChat(actor, chatId)
  const { chat } = access
  if (chat.type === 'direct') throw apiError('forbidden', 'Nobody can be removed from a direct chat.')
  const target = await findMembership(chatId, userId)
  if (!target) throw apiError('not_found')
  if (userId === actor.userId) return leaveChat(actor, chatId)
  if (!mayRemoveMember(chatViewer(actor, access), target.role)) throw apiError('forbidden')
  await dropMembership(chat, userId)
}

export async function setMemberRole(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, userId: string, role: 'admin' | 'member'): Promise<Member> {
  const access = await requireVisibleChat(actor, chatId)
  if (access.chat.type === 'direct') throw apiError('forbidden')
  if (!mayChangeRoles(chatViewer(actor, access))) throw apiError('forbidden', 'Only the owner can change roles.')
  return withLock(`member:${chatId}:${userId}`, async () => {
    const target = await findMembership(chatId, userId)
    if (!target) throw apiError('not_found')
    if (target.role === 'owner') throw apiError('forbidden', 'The owner keeps the owner role.')
    await MembershipModel.updateOne({ _id: target._id }, { $set: { role } }).exec()
    // Every member's app shows the role (and the person's own, what it lets them do).
    await publishToChat(chatId, { type: 'member.updated', chatId, userId, role })
    const person = await findUser(userId)
    return toMember({ ...target, role }, publicUser(userId, person))
  })
}

export async function leaveChat(actor: Pick<Actor, 'userId' | 'role'>, chatId: string): Promise<void> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  if (chat.type === 'direct') {
    throw apiError('validation_failed', 'You cannot leave a direct chat; delete it instead.', { issues: [{ path: ['id'], message: 'Direct chats cannot be left', code: 'custom' }] })
  }
  if (!membership) throw apiError(chat.type === 'channel' ? 'forbidden' : 'not_found', 'You are not a member.')
  const remaining = await dropMembership(chat, actor.userId)
  if (remaining && remaining.memberCount <= 0 && chat.type === 'group') await removeChat(remaining)
}

/**
 * Who owns the chat after its owner: the longest-standing admin, else the longest-standing
 * member; nobody in a channel with nobody else left. The one rule behind both the handover
 * and the leave dialog's question (nextOwner), so what the dialog names is who gets it.
 */
async function successorOf(chatId: string): Promise<MembershipRecord | null> {
  const byTenure = { joinedAt: 1 as const, _id: 1 as const }
  return await MembershipModel.findOne({ chatId, role: 'admin' }).sort(byTenure).lean<MembershipRecord>().exec()
    ?? await MembershipModel.findOne({ chatId, role: 'member' }).sort(byTenure).lean<MembershipRecord>().exec()
}

/** A channel with nobody left has no owner until someone joins (addMemberships). */
async function handOverOwnership(chatId: string): Promise<void> {
  const successor = await successorOf(chatId)
  if (!successor) return
  await withLock(`member:${chatId}:${successor.userId}`, () => MembershipModel.updateOne({ _id: successor._id }, { $set: { role: 'owner' } }).exec())
  await publishToChat(chatId, { type: 'member.updated', chatId, userId: successor.userId, role: 'owner' })
}

/** Who would own the chat if its owner left now (GET /api/chats/:id/next-owner); null for nobody. */
export async function nextOwner(actor: Pick<Actor, 'userId' | 'role'>, chatId: string): Promise<{ user: User | null }> {
  const { chat } = await requireVisibleChat(actor, chatId)
  if (chat.type === 'direct') throw apiError('forbidden', 'A direct chat has no owner.')
  const successor = await successorOf(chatId)
  return { user: successor ? publicUser(successor.userId, await findUser(successor.userId)) : null }
}

// --- read state ---

/** Moves lastReadSeq forward (capped at lastSeq); a seq at or below it is a no-op. Emits `read`. */
export async function markRead(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, seq: number): Promise<void> {
  const { chat } = await requireMember(actor, chatId)
  const target = Math.min(seq, chat.lastSeq)
  const moved = await withLock(`member:${chatId}:${actor.userId}`, async () => {
    const membership = await findMembership(chatId, actor.userId)
    if (!membership || target <= membership.lastReadSeq) return false
    await MembershipModel.updateOne({ _id: membership._id }, {
      $set: { lastReadSeq: target, ownSeqsAfterRead: membership.ownSeqsAfterRead.filter(own => own > target) },
    }).exec()
    return true
  })
  if (moved) await publishToChat(chatId, { type: 'read', chatId, userId: actor.userId, seq: target })
}

/**
 * A deleted account leaves its groups and channels (ownership passes on, an emptied group
 * goes); its direct chats stay for the other person, who sees "Deleted user".
 */
export async function forgetDeletedUser(userId: string): Promise<void> {
  for (const chatId of await userChatIds(userId)) {
    const chat = await findChat(chatId)
    if (!chat || chat.type === 'direct') continue
    const remaining = await dropMembership(chat, userId)
    if (remaining && remaining.memberCount <= 0 && remaining.type === 'group') await removeChat(remaining)
  }
  await forgetUserChatList(userId)
}
