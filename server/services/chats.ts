import { Types } from 'mongoose'
import type { Chat as ChatDto, ChatDetail, Member, Page, PublicChat, ReadyChat } from '#shared/types/api'
import { MAX_GROUP_MEMBERS, type CreateChatInput } from '#shared/schemas/chats'
import { toChatFor, toChatsFor, toMember, toUserOrDeleted } from '../dto/chats'
import { Chat, ChatKey, Membership, UserChatEntry, UserChats, membershipId, userChatEntryId, type MembershipDoc, type UserChatEntryDoc } from '../models/chat'
import { ClientIdKey, Message, MessageChange } from '../models/message'
import { serverConfig } from '../utils/config'
import { apiError, isDuplicateKeyError } from '../utils/errors'
import { withLock } from '../utils/lock'
import { errorName, logger } from '../utils/logger'
import { findChat, findMembership, isChatManager, requireMember, requireVisibleChat, type Actor, type StoredChat } from './access'
import { decodeCursor, encodeCursor } from './cursor'
import { loadPeople, findPersonByUsername, loadPerson } from './people'
import { chatTopic, publishControl, publishToChat, publishToUsers, userTopic } from './realtime/bus'

// Chats and memberships: one service for the REST routes and the WebSocket handler.

function channelKey(name: string): string {
  return `channel:${name.trim().toLowerCase()}`
}

function directKey(a: string, b: string): string {
  return a < b ? `direct:${a}:${b}` : `direct:${b}:${a}`
}

function channelCreatorsSetting(): 'users' | 'admins' {
  return serverConfig().channelCreators
}

// --- the per-user chat list: a folded snapshot plus numbered entries, all read by `_id` ---
//
// FerretDB runs `$addToSet`/`$pull` as read-then-write, so two instances changing one
// user's list at once could lose a chat. Instead every change inserts the user's next
// numbered entry (`<userId>:<n>`): the insert arbitrates between instances on both
// engines, and the loser takes the next number. The snapshot (`chatIds` folded through
// entry `through`) is rewritten whole after each change; a reader takes it and folds the
// entries after it, up to the first number not written (normally one miss). Entries never
// change, so even a snapshot overwritten by an older one is a correct fold: a reader just
// folds a little more.

const MAX_ENTRY_CLAIMS = 50

interface UserChatList { chatIds: string[], through: number }
type UserChatChange = Pick<UserChatEntryDoc, 'op' | 'chatId'>

function applyChange(chatIds: string[], change: UserChatChange): string[] {
  if (change.op === 'remove') return chatIds.filter(id => id !== change.chatId)
  return chatIds.includes(change.chatId) ? chatIds : [...chatIds, change.chatId]
}

function changesNothing(list: UserChatList, change: UserChatChange): boolean {
  return list.chatIds.includes(change.chatId) === (change.op === 'add')
}

/** Folds the entries written after `list.through`, up to the first number not written yet. */
async function foldEntries(userId: string, list: UserChatList): Promise<UserChatList> {
  let { chatIds, through } = list
  for (;;) {
    const entry = await UserChatEntry.findById(userChatEntryId(userId, through + 1)).lean().exec()
    if (!entry) return { chatIds, through }
    chatIds = applyChange(chatIds, entry)
    through++
  }
}

async function saveSnapshot(userId: string, list: UserChatList): Promise<void> {
  await UserChats.updateOne({ _id: userId }, { $set: { chatIds: list.chatIds, through: list.through } }, { upsert: true }).exec()
}

async function readUserChats(userId: string): Promise<UserChatList & { stale: boolean }> {
  const snapshot = await UserChats.findById(userId).lean().exec()
  const stored = { chatIds: snapshot?.chatIds ?? [], through: snapshot?.through ?? 0 }
  const list = await foldEntries(userId, stored)
  return { ...list, stale: list.through > stored.through }
}

/** Inserts the change as the user's next entry; a number another instance took first is folded in. */
async function appendEntry(userId: string, start: UserChatList, change: UserChatChange): Promise<UserChatList> {
  let list = start
  for (let attempt = 0; attempt < MAX_ENTRY_CLAIMS; attempt++) {
    if (changesNothing(list, change)) return list
    try {
      await UserChatEntry.create({ _id: userChatEntryId(userId, list.through + 1), ...change, at: new Date() })
      return { chatIds: applyChange(list.chatIds, change), through: list.through + 1 }
    }
    catch (error) {
      if (!isDuplicateKeyError(error)) throw error
      list = await foldEntries(userId, list)
    }
  }
  throw apiError('conflict', 'Too many changes at once; try again.')
}

/** One change of one user's list; the per-user lock keeps this instance's own changes from racing. */
async function changeUserChats(userId: string, change: UserChatChange): Promise<void> {
  await withLock(`userchats:${userId}`, async () => {
    const list = await readUserChats(userId)
    if (changesNothing(list, change)) return
    await saveSnapshot(userId, await appendEntry(userId, list, change))
  })
}

async function addToUserChats(userIds: string[], chatId: string): Promise<void> {
  await Promise.all(userIds.map(userId => changeUserChats(userId, { op: 'add', chatId })))
}

async function removeFromUserChats(userIds: string[], chatId: string): Promise<void> {
  await Promise.all(userIds.map(userId => changeUserChats(userId, { op: 'remove', chatId })))
}

export async function userChatIds(userId: string): Promise<string[]> {
  const list = await readUserChats(userId)
  // A snapshot left behind (another instance's write overtook ours) is refreshed for the next reader.
  if (list.stale) {
    withLock(`userchats:${userId}`, async () => saveSnapshot(userId, await readUserChats(userId)))
      .catch((error: unknown) => logger.warn('chat list snapshot refresh failed', { error: errorName(error) }))
  }
  return list.chatIds
}

async function userChats(userId: string): Promise<StoredChat[]> {
  const ids = await userChatIds(userId)
  const chats = await Promise.all(ids.map(id => findChat(id)))
  return chats.filter((chat): chat is StoredChat => !!chat)
}

/** `ready.chats`: every chat of the user with its counters. */
export async function readyChats(userId: string): Promise<ReadyChat[]> {
  return (await userChats(userId)).map(chat => ({ id: chat._id.toHexString(), lastSeq: chat.lastSeq, lastChangeSeq: chat.lastChangeSeq }))
}

// --- subscriptions: every socket of a member listens to the chat's topic ---

/** `lastSeq`: what the newcomers know of the chat, where their sockets' message order starts. */
async function subscribe(userIds: string[], chatId: string, lastSeq: number): Promise<void> {
  await Promise.all(userIds.map(userId => publishControl({ type: '$subscribe', userId, chatId, lastSeq }, [userTopic(userId)])))
}

async function unsubscribe(userIds: string[], chatId: string): Promise<void> {
  await Promise.all(userIds.map(userId => publishControl({ type: '$unsubscribe', userId, chatId }, [userTopic(userId)])))
}

async function announceChatCreated(chat: StoredChat, userIds: string[]): Promise<void> {
  // Each recipient sees the chat from its own side (its membership, its peer).
  await Promise.all(userIds.map(async (userId) => {
    const dto = await toChatFor(userId, chat)
    await publishToUsers([userId], { type: 'chat.created', chat: dto })
  }))
}

// --- creation ---

/** A newcomer starts caught up: what was said before they joined is history, not unread. */
function newMembership(chatId: string, userId: string, role: MembershipDoc['role'], joinedAt: Date, lastReadSeq = 0) {
  return { _id: membershipId(chatId, userId), chatId, userId, role, lastReadSeq, ownSeqsAfterRead: [], joinedAt }
}

async function requireExistingUsers(ids: string[]): Promise<void> {
  const people = await loadPeople(ids)
  const unknown = ids.filter(id => !people.get(id))
  if (unknown.length > 0) {
    throw apiError('validation_failed', 'Some users do not exist.', { issues: [{ path: ['memberIds'], message: `Unknown users: ${unknown.join(', ')}`, code: 'custom' }] })
  }
}

export async function createChat(actor: Actor, input: CreateChatInput): Promise<{ chat: ChatDto, created: boolean }> {
  if (input.type === 'direct') return createDirectChat(actor, input)
  if (actor.role === 'guest') throw apiError('forbidden', 'Guests cannot create groups or channels.')
  if (input.type === 'group') return createGroup(actor, input.name, input.memberIds)
  if (channelCreatorsSetting() === 'admins' && actor.role !== 'admin') throw apiError('forbidden', 'Only admins may create channels.')
  return createChannel(actor, input.name, input.topic ?? null)
}

async function createDirectChat(actor: Actor, input: { userId: string } | { username: string }): Promise<{ chat: ChatDto, created: boolean }> {
  const peer = 'userId' in input ? await loadPerson(input.userId) : await findPersonByUsername(input.username)
  if (!peer) throw apiError('not_found', 'No such user.')
  const peerId = String(peer._id)
  if (peerId === actor.userId) {
    throw apiError('validation_failed', 'You cannot start a direct chat with yourself.', { issues: [{ path: ['userId' in input ? 'userId' : 'username'], message: 'Choose someone else', code: 'custom' }] })
  }
  const key = directKey(actor.userId, peerId)
  return withLock(`chatkey:${key}`, async () => {
    const existing = await ChatKey.findById(key).lean().exec()
    const existingChat = existing ? await findChat(existing.chatId) : null
    if (existingChat) return { chat: await toChatFor(actor.userId, existingChat), created: false }
    if (existing) await ChatKey.deleteOne({ _id: key }).exec() // left over from a deleted chat

    const now = new Date()
    const chatId = new Types.ObjectId()
    try {
      await ChatKey.create({ _id: key, chatId: chatId.toHexString() })
    }
    catch (error) {
      if (!isDuplicateKeyError(error)) throw error
      // Another instance created it at the same moment: theirs is the chat.
      const winner = await ChatKey.findById(key).lean().exec()
      const chat = winner ? await findChat(winner.chatId) : null
      if (!chat) throw apiError('conflict', 'Try again.')
      return { chat: await toChatFor(actor.userId, chat), created: false }
    }
    const memberIds = [actor.userId, peerId]
    const chat = await storeChat(chatId, { type: 'direct', name: null, topic: null, createdBy: actor.userId, memberIds, now },
      memberIds.map(userId => newMembership(chatId.toHexString(), userId, 'member', now)))
    await announceChatCreated(chat, memberIds)
    return { chat: await toChatFor(actor.userId, chat), created: true }
  })
}

async function createGroup(actor: Actor, name: string, requested: string[]): Promise<{ chat: ChatDto, created: boolean }> {
  const others = [...new Set(requested)].filter(id => id !== actor.userId)
  if (others.length + 1 > MAX_GROUP_MEMBERS) throw apiError('validation_failed', `A group has at most ${MAX_GROUP_MEMBERS} members.`)
  await requireExistingUsers(others)
  const now = new Date()
  const chatId = new Types.ObjectId()
  const memberIds = [actor.userId, ...others]
  const chat = await storeChat(chatId, { type: 'group', name: name.trim(), topic: null, createdBy: actor.userId, memberIds, now }, [
    newMembership(chatId.toHexString(), actor.userId, 'owner', now),
    ...others.map(userId => newMembership(chatId.toHexString(), userId, 'member', now)),
  ])
  await announceChatCreated(chat, memberIds)
  return { chat: await toChatFor(actor.userId, chat), created: true }
}

async function createChannel(actor: Actor, name: string, topic: string | null): Promise<{ chat: ChatDto, created: boolean }> {
  const chatId = new Types.ObjectId()
  const key = channelKey(name)
  try {
    await ChatKey.create({ _id: key, chatId: chatId.toHexString() })
  }
  catch (error) {
    if (isDuplicateKeyError(error)) throw apiError('name_taken', 'A channel with that name exists.')
    throw error
  }
  const now = new Date()
  const chat = await storeChat(chatId, { type: 'channel', name: name.trim(), topic, createdBy: actor.userId, memberIds: undefined, now },
    [newMembership(chatId.toHexString(), actor.userId, 'owner', now)])
  await announceChatCreated(chat, [actor.userId])
  return { chat: await toChatFor(actor.userId, chat), created: true }
}

interface NewChat {
  type: 'direct' | 'group' | 'channel'
  name: string | null
  topic: string | null
  createdBy: string
  memberIds: string[] | undefined
  now: Date
}

async function storeChat(chatId: Types.ObjectId, data: NewChat, memberships: ReturnType<typeof newMembership>[]): Promise<StoredChat> {
  const id = chatId.toHexString()
  await Chat.create({
    _id: chatId,
    type: data.type,
    name: data.name,
    nameKey: data.type === 'channel' && data.name ? data.name.trim().toLowerCase() : null,
    topic: data.topic,
    createdBy: data.createdBy,
    memberCount: memberships.length,
    memberIds: data.memberIds,
    lastSeq: 0,
    lastChangeSeq: 0,
    lastActivityAt: data.now,
    createdAt: data.now,
  })
  await Membership.insertMany(memberships)
  const userIds = memberships.map(membership => membership.userId)
  await addToUserChats(userIds, id)
  await subscribe(userIds, id, 0)
  const chat = await findChat(id)
  if (!chat) throw apiError('not_found')
  return chat
}

// --- reading ---

interface ListOptions { limit: number, cursor?: string }

/** The caller's chats, most recent activity first: the list of ids on the user's document, each chat by `_id`. */
export async function listChats(actor: Actor, options: ListOptions): Promise<Page<ChatDto>> {
  const chats = await userChats(actor.userId)
  chats.sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime() || (b._id.toHexString() < a._id.toHexString() ? -1 : 1))
  const after = decodeCursor(options.cursor)
  let start = 0
  if (after?.t !== undefined) {
    const time = after.t
    const position = chats.findIndex(chat => chat.lastActivityAt.getTime() < time
      || (chat.lastActivityAt.getTime() === time && chat._id.toHexString() < after.id))
    start = position === -1 ? chats.length : position
  }
  const page = chats.slice(start, start + options.limit)
  const items = await toChatsFor(actor.userId, page)
  const last = page[page.length - 1]
  const more = start + options.limit < chats.length
  return { items, nextCursor: more && last ? encodeCursor({ t: last.lastActivityAt.getTime(), id: last._id.toHexString() }) : null }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The channel directory (a scan, as directories may be): by name, with `joined`. */
export async function listPublicChats(actor: Actor, options: ListOptions & { q?: string }): Promise<Page<PublicChat>> {
  const filter: Record<string, unknown> = { type: 'channel' }
  const q = options.q?.trim().toLowerCase()
  if (q) filter.nameKey = { $regex: `^${escapeRegex(q)}` }
  const after = decodeCursor(options.cursor)
  if (after?.name !== undefined && Types.ObjectId.isValid(after.id)) {
    filter.$or = [{ nameKey: { $gt: after.name } }, { nameKey: after.name, _id: { $gt: new Types.ObjectId(after.id) } }]
  }
  const found = await Chat.find(filter).sort({ nameKey: 1, _id: 1 }).limit(options.limit + 1).lean<StoredChat[]>().exec()
  const page = found.slice(0, options.limit)
  const chats = await toChatsFor(actor.userId, page)
  const items = chats.map(chat => ({ ...chat, joined: chat.membership !== null }))
  const last = page[page.length - 1]
  return { items, nextCursor: found.length > options.limit && last ? encodeCursor({ name: last.nameKey ?? '', id: last._id.toHexString() }) : null }
}

export async function getChat(actor: Actor, chatId: string): Promise<ChatDetail> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  const dto: ChatDetail = await toChatFor(actor.userId, chat, membership)
  if (chat.type !== 'channel') {
    const ids = chat.memberIds ?? []
    const people = await loadPeople(ids)
    dto.members = ids.map(id => toUserOrDeleted(id, people.get(id)))
  }
  return dto
}

/** Members by join time, then id (the member list's order and its cursor's). */
function byJoinTime(a: Pick<MembershipDoc, 'joinedAt' | '_id'>, b: Pick<MembershipDoc, 'joinedAt' | '_id'>): number {
  return a.joinedAt.getTime() - b.joinedAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)
}

/**
 * A direct chat's or group's memberships (at most 256, listed on the chat), read by
 * `_id` in parallel: opening a group never scans the memberships of every chat.
 */
async function smallChatMemberships(chat: StoredChat): Promise<MembershipDoc[]> {
  const chatId = chat._id.toHexString()
  const found = await Promise.all((chat.memberIds ?? []).map(userId => findMembership(chatId, userId)))
  return found.filter((membership): membership is MembershipDoc => !!membership).sort(byJoinTime)
}

/** A channel's memberships (any number): a page of a scan by join time. */
async function channelMemberships(chatId: string, after: { t: number, id: string } | null, limit: number): Promise<MembershipDoc[]> {
  const filter: Record<string, unknown> = { chatId }
  if (after) {
    const joinedAt = new Date(after.t)
    filter.$or = [{ joinedAt: { $gt: joinedAt } }, { joinedAt, _id: { $gt: after.id } }]
  }
  return Membership.find(filter).sort({ joinedAt: 1, _id: 1 }).limit(limit + 1).lean<MembershipDoc[]>().exec()
}

export async function listMembers(actor: Actor, chatId: string, options: ListOptions): Promise<Page<Member>> {
  const { chat } = await requireVisibleChat(actor, chatId)
  const cursor = decodeCursor(options.cursor)
  const after = cursor?.t !== undefined ? { t: cursor.t, id: cursor.id } : null
  const found = chat.type === 'channel'
    ? await channelMemberships(chatId, after, options.limit)
    : (await smallChatMemberships(chat))
        .filter(membership => !after || byJoinTime(membership, { joinedAt: new Date(after.t), _id: after.id }) > 0)
        .slice(0, options.limit + 1)
  const page = found.slice(0, options.limit)
  const people = await loadPeople(page.map(membership => membership.userId))
  const last = page[page.length - 1]
  return {
    items: page.map(membership => toMember(membership, people.get(membership.userId))),
    nextCursor: found.length > options.limit && last ? encodeCursor({ t: last.joinedAt.getTime(), id: last._id }) : null,
  }
}

// --- changing a chat ---

export async function updateChat(actor: Actor, chatId: string, patch: { name?: string, topic?: string | null }): Promise<ChatDto> {
  const { membership } = await requireVisibleChat(actor, chatId)
  return withLock(`chat:${chatId}`, async () => {
    const chat = await findChat(chatId)
    if (!chat) throw apiError('not_found')
    if (chat.type === 'direct') throw apiError('forbidden', 'Direct chats have no name or topic.')
    if (!isChatManager(membership) && actor.role !== 'admin') throw apiError('forbidden')
    const set: Record<string, unknown> = {}
    if (patch.topic !== undefined) set.topic = patch.topic
    if (patch.name !== undefined && patch.name.trim() !== chat.name) {
      const name = patch.name.trim()
      if (chat.type === 'channel' && name.toLowerCase() !== chat.nameKey) {
        try {
          await ChatKey.create({ _id: channelKey(name), chatId })
        }
        catch (error) {
          if (isDuplicateKeyError(error)) throw apiError('name_taken', 'A channel with that name exists.')
          throw error
        }
        await ChatKey.deleteOne({ _id: channelKey(chat.name ?? '') }).exec()
        set.nameKey = name.toLowerCase()
      }
      set.name = name
    }
    if (Object.keys(set).length > 0) await Chat.updateOne({ _id: chat._id }, { $set: set }).exec()
    const updated = (await findChat(chatId))!
    // Chat-wide events carry no viewer-specific parts: clients keep their own membership.
    const shared = await toChatFor(actor.userId, updated, null)
    await publishToChat(chatId, { type: 'chat.updated', chat: { ...shared, peer: null } })
    return toChatFor(actor.userId, updated, membership)
  })
}

async function chatMemberIds(chat: StoredChat): Promise<string[]> {
  if (chat.memberIds) return [...chat.memberIds]
  const memberships = await Membership.find({ chatId: chat._id.toHexString() }, { userId: 1 }).lean<MembershipDoc[]>().exec()
  return memberships.map(membership => membership.userId)
}

export async function deleteChat(actor: Actor, chatId: string): Promise<void> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  const allowed = chat.type === 'direct'
    ? !!membership
    : chat.type === 'group' ? membership?.role === 'owner' : membership?.role === 'owner' || actor.role === 'admin'
  if (!allowed) throw apiError('forbidden')
  await removeChat(chat)
}

async function removeChat(chat: StoredChat): Promise<void> {
  const chatId = chat._id.toHexString()
  await withLock(`chat:${chatId}`, async () => {
    const memberIds = await chatMemberIds(chat)
    await Chat.deleteOne({ _id: chat._id }).exec()
    await publishToChat(chatId, { type: 'chat.deleted', chatId })
    await publishControl({ type: '$drop-chat', chatId }, [chatTopic(chatId)])
    await removeFromUserChats(memberIds, chatId)
    if (chat.type === 'direct' && chat.memberIds?.length === 2) await ChatKey.deleteOne({ _id: directKey(chat.memberIds[0]!, chat.memberIds[1]!) }).exec()
    if (chat.type === 'channel' && chat.name) await ChatKey.deleteOne({ _id: channelKey(chat.name), chatId }).exec()
  })
  // The rest is unreachable now (every read starts from the chat); clean it up in the background.
  const prefix = new RegExp(`^${chatId}:`)
  const cleanup = Promise.all([
    Membership.deleteMany({ chatId }).exec(),
    Message.deleteMany({ chatId }).exec(),
    MessageChange.deleteMany({ _id: prefix }).exec(),
    ClientIdKey.deleteMany({ _id: prefix }).exec(),
  ]).then(() => {}, (error: unknown) => logger.warn('chat cleanup failed', { chatId, error: errorName(error) }))
  cleanups.add(cleanup)
  void cleanup.finally(() => cleanups.delete(cleanup))
}

const cleanups = new Set<Promise<void>>()

/** Resolves once the background clean-ups of deleted chats have finished (shutdown, tests). */
export async function settleCleanups(): Promise<void> {
  await Promise.all([...cleanups])
}

export async function joinChat(actor: Actor, chatId: string): Promise<ChatDto> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  if (chat.type !== 'channel') throw apiError('forbidden', 'Only channels can be joined.')
  if (membership) return toChatFor(actor.userId, chat, membership)
  const joined = await addMemberships(chat, [actor.userId])
  return toChatFor(actor.userId, joined, await findMembership(chatId, actor.userId))
}

/** Adds members under the chat's lock; existing ones are skipped. Announces and subscribes. */
async function addMemberships(chat: StoredChat, userIds: string[]): Promise<StoredChat> {
  const chatId = chat._id.toHexString()
  return withLock(`chat:${chatId}`, async () => {
    const current = await findChat(chatId)
    if (!current) throw apiError('not_found')
    const existing = await Promise.all(userIds.map(userId => findMembership(chatId, userId)))
    const fresh = userIds.filter((_, index) => !existing[index])
    if (fresh.length === 0) return current
    if (current.type === 'group' && current.memberCount + fresh.length > MAX_GROUP_MEMBERS) {
      throw apiError('validation_failed', `A group has at most ${MAX_GROUP_MEMBERS} members.`)
    }
    const now = new Date()
    const added: string[] = []
    for (const userId of fresh) {
      try {
        await Membership.create(newMembership(chatId, userId, 'member', now, current.lastSeq))
        added.push(userId)
      }
      catch (error) {
        if (!isDuplicateKeyError(error)) throw error
      }
    }
    const update: Record<string, unknown> = { $inc: { memberCount: added.length } }
    if (current.memberIds) update.$addToSet = { memberIds: { $each: added } }
    await Chat.updateOne({ _id: current._id }, update).exec()
    const updated = (await findChat(chatId))!
    const people = await loadPeople(added)
    // The members already there learn of the newcomers; then the newcomers are subscribed.
    for (const userId of added) {
      await publishToChat(chatId, { type: 'member.added', chatId, user: toUserOrDeleted(userId, people.get(userId)), role: 'member' })
    }
    await addToUserChats(added, chatId)
    await subscribe(added, chatId, updated.lastSeq)
    await announceChatCreated(updated, added)
    return updated
  })
}

export async function addMembers(actor: Actor, chatId: string, userIds: string[]): Promise<ChatDto> {
  const { chat, membership } = await requireMember(actor, chatId)
  if (chat.type !== 'group') throw apiError('forbidden', 'Members can only be added to groups.')
  if (!isChatManager(membership)) throw apiError('forbidden')
  const unique = [...new Set(userIds)]
  await requireExistingUsers(unique)
  const updated = await addMemberships(chat, unique)
  return toChatFor(actor.userId, updated, membership)
}

/** Removes one membership under the chat's lock and stops the user's sockets getting the chat. */
async function dropMembership(chat: StoredChat, userId: string): Promise<StoredChat | null> {
  const chatId = chat._id.toHexString()
  return withLock(`chat:${chatId}`, async () => {
    const removed = await Membership.deleteOne({ _id: membershipId(chatId, userId) }).exec()
    if (removed.deletedCount === 0) return findChat(chatId)
    const update: Record<string, unknown> = { $inc: { memberCount: -1 } }
    if (chat.memberIds) update.$pull = { memberIds: userId }
    await Chat.updateOne({ _id: chat._id }, update).exec()
    await publishToChat(chatId, { type: 'member.removed', chatId, userId })
    await unsubscribe([userId], chatId)
    await removeFromUserChats([userId], chatId)
    return findChat(chatId)
  })
}

export async function removeMember(actor: Actor, chatId: string, userId: string): Promise<void> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  if (chat.type === 'direct') throw apiError('forbidden', 'Nobody can be removed from a direct chat.')
  const target = await findMembership(chatId, userId)
  if (!target) throw apiError('not_found')
  if (userId === actor.userId) return leaveChat(actor, chatId)
  const siteAdminInChannel = chat.type === 'channel' && actor.role === 'admin'
  const mayRemove = target.role !== 'owner' && (membership?.role === 'owner' || (membership?.role === 'admin' && target.role === 'member') || siteAdminInChannel)
  if (!mayRemove) throw apiError('forbidden')
  await dropMembership(chat, userId)
}

export async function setMemberRole(actor: Actor, chatId: string, userId: string, role: 'admin' | 'member'): Promise<Member> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  if (chat.type === 'direct') throw apiError('forbidden')
  if (membership?.role !== 'owner') throw apiError('forbidden', 'Only the owner can change roles.')
  return withLock(`member:${chatId}:${userId}`, async () => {
    const target = await findMembership(chatId, userId)
    if (!target) throw apiError('not_found')
    if (target.role === 'owner') throw apiError('forbidden', 'The owner keeps the owner role.')
    await Membership.updateOne({ _id: target._id }, { $set: { role } }).exec()
    const person = await loadPerson(userId)
    return toMember({ ...target, role }, person)
  })
}

export async function leaveChat(actor: Actor, chatId: string): Promise<void> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  if (chat.type === 'direct') {
    throw apiError('validation_failed', 'You cannot leave a direct chat; delete it instead.', { issues: [{ path: ['id'], message: 'Direct chats cannot be left', code: 'custom' }] })
  }
  if (!membership) throw apiError(chat.type === 'channel' ? 'forbidden' : 'not_found', 'You are not a member.')
  const remaining = await dropMembership(chat, actor.userId)
  if (!remaining) return
  if (remaining.memberCount <= 0 && chat.type === 'group') {
    await removeChat(remaining)
    return
  }
  if (membership.role === 'owner') await handOverOwnership(remaining)
}

/** The longest-standing admin becomes owner, else the longest-standing member. */
async function handOverOwnership(chat: StoredChat): Promise<void> {
  const chatId = chat._id.toHexString()
  const byTenure = { joinedAt: 1 as const, _id: 1 as const }
  const successor = await Membership.findOne({ chatId, role: 'admin' }).sort(byTenure).lean<MembershipDoc>().exec()
    ?? await Membership.findOne({ chatId }).sort(byTenure).lean<MembershipDoc>().exec()
  if (!successor) return
  await withLock(`member:${chatId}:${successor.userId}`, () => Membership.updateOne({ _id: successor._id }, { $set: { role: 'owner' } }).exec())
}

// --- read state ---

/** Moves lastReadSeq forward (capped at lastSeq); a seq at or below it is a no-op. Emits `read`. */
export async function markRead(actor: Actor, chatId: string, seq: number): Promise<void> {
  const { chat } = await requireMember(actor, chatId)
  const target = Math.min(seq, chat.lastSeq)
  const moved = await withLock(`member:${chatId}:${actor.userId}`, async () => {
    const membership = await findMembership(chatId, actor.userId)
    if (!membership || target <= membership.lastReadSeq) return false
    await Membership.updateOne({ _id: membership._id }, {
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
    const membership = await findMembership(chatId, userId)
    const remaining = await dropMembership(chat, userId)
    if (!remaining) continue
    if (remaining.memberCount <= 0 && remaining.type === 'group') await removeChat(remaining)
    else if (membership?.role === 'owner') await handOverOwnership(remaining)
  }
  await Promise.all([
    UserChats.deleteOne({ _id: userId }).exec(),
    UserChatEntry.deleteMany({ _id: { $regex: `^${userId}:` } }).exec(),
  ])
}
