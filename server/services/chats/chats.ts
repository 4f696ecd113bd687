import { Types } from 'mongoose'
import type { Chat as ChatDto, ChatDetail, Page, PublicChat } from '#shared/types/api'
import { MAX_GROUP_MEMBERS, type CreateChatInput } from '#shared/schemas/chats'
import { mayDeleteChat, mayEditChat } from '#shared/permissions'
import { ChatKeyModel, ChatModel, ClientIdKeyModel, MembershipModel, MessageChangeModel, MessageModel, mapByIds, membershipId, type ChatRecord, type MembershipRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { decodeCursor, encodeCursor } from '../../utils/cursor'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { errorName, logger } from '../../utils/logger'
import { findUser, findUserByUsername, loadUsers, publicUser } from '../accounts/users'
import { removeChatAttachments } from '../attachments/lifecycle'
import { chatTopic, publishControl, publishToChat } from '../realtime'
import { chatViewer, findChat, requireVisibleChat } from './access'
import { announceChatCreated, subscribe } from './announce'
import { chatsByActivity, rememberChatActivity } from './activity'
import { addToUserChats, removeFromUserChats, userChatIds } from './chat-list'
import { channelKey, channelNameKey, channelSearchCondition, channelSearchKeys, heldChannelKey } from './channel-names'
import { renderChatFor, renderChatsFor } from './render'

// Chats: creating, listing, reading, renaming and deleting them; one service for the
// REST routes and the WebSocket handler. Members are ./memberships.ts.

function directKey(a: string, b: string): string {
  return a < b ? `direct:${a}:${b}` : `direct:${b}:${a}`
}

function channelCreatorsSetting(): 'users' | 'admins' {
  return serverConfig().channelCreators
}

// --- creation ---

/** A newcomer starts caught up: what was said before they joined is history, not unread. */
export function newMembership(chatId: string, userId: string, role: MembershipRecord['role'], joinedAt: Date, lastReadSeq = 0) {
  return { _id: membershipId(chatId, userId), chatId, userId, role, lastReadSeq, joinedAtSeq: lastReadSeq, ownSeqsAfterRead: [], joinedAt }
}

export async function requireExistingUsers(ids: string[]): Promise<void> {
  const people = await loadUsers(ids)
  const unknown = ids.filter(id => !people.get(id))
  if (unknown.length > 0) {
    throw apiError('validation_failed', 'Some users do not exist.', { issues: [{ path: ['memberIds'], message: `Unknown users: ${unknown.join(', ')}`, code: 'custom' }] })
  }
}

export async function createChat(actor: Pick<Actor, 'userId' | 'role'>, input: CreateChatInput): Promise<{ chat: ChatDto, created: boolean }> {
  if (input.type === 'direct') return createDirectChat(actor, input)
  if (actor.role === 'guest') throw apiError('forbidden', 'Guests cannot create groups or channels.')
  if (input.type === 'group') return createGroup(actor, input.name, input.memberIds)
  if (channelCreatorsSetting() === 'admins' && actor.role !== 'admin') throw apiError('forbidden', 'Only admins may create channels.')
  return createChannel(actor, input.name, input.topic ?? null)
}

async function createDirectChat(actor: Pick<Actor, 'userId' | 'role'>, input: { userId: string } | { username: string }): Promise<{ chat: ChatDto, created: boolean }> {
  const peer = 'userId' in input ? await findUser(input.userId) : await findUserByUsername(input.username)
  if (!peer) throw apiError('not_found', 'No such user.')
  const peerId = String(peer._id)
  if (peerId === actor.userId) {
    throw apiError('validation_failed', 'You cannot start a direct chat with yourself.', { issues: [{ path: ['userId' in input ? 'userId' : 'username'], message: 'Choose someone else', code: 'custom' }] })
  }
  const key = directKey(actor.userId, peerId)
  return withLock(`chatkey:${key}`, async () => {
    const existing = await ChatKeyModel.findById(key).lean().exec()
    const existingChat = existing ? await findChat(existing.chatId) : null
    if (existingChat) return { chat: await renderChatFor(actor.userId, existingChat), created: false }
    if (existing) await ChatKeyModel.deleteOne({ _id: key }).exec() // left over from a deleted chat

    const now = new Date()
    const chatId = new Types.ObjectId()
    try {
      await ChatKeyModel.create({ _id: key, chatId: chatId.toHexString() })
    }
    catch (error) {
      if (!isDuplicateKeyError(error)) throw error
      // Another instance created it at the same moment: theirs is the chat.
      const winner = await ChatKeyModel.findById(key).lean().exec()
      const chat = winner ? await findChat(winner.chatId) : null
      if (!chat) throw apiError('conflict', 'Try again.')
      return { chat: await renderChatFor(actor.userId, chat), created: false }
    }
    const memberIds = [actor.userId, peerId]
    const chat = await storeChat(chatId, { type: 'direct', name: null, topic: null, createdBy: actor.userId, memberIds, now },
      memberIds.map(userId => newMembership(chatId.toHexString(), userId, 'member', now)))
    await announceChatCreated(chat, memberIds)
    return { chat: await renderChatFor(actor.userId, chat), created: true }
  })
}

async function createGroup(actor: Pick<Actor, 'userId' | 'role'>, name: string, requested: string[]): Promise<{ chat: ChatDto, created: boolean }> {
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
  return { chat: await renderChatFor(actor.userId, chat), created: true }
}

async function createChannel(actor: Pick<Actor, 'userId' | 'role'>, name: string, topic: string | null): Promise<{ chat: ChatDto, created: boolean }> {
  const chatId = new Types.ObjectId()
  const key = channelKey(name)
  try {
    await ChatKeyModel.create({ _id: key, chatId: chatId.toHexString() })
  }
  catch (error) {
    if (isDuplicateKeyError(error)) throw apiError('name_taken', 'A channel with that name exists.')
    throw error
  }
  const now = new Date()
  const chat = await storeChat(chatId, { type: 'channel', name: name.trim(), topic, createdBy: actor.userId, memberIds: undefined, now },
    [newMembership(chatId.toHexString(), actor.userId, 'owner', now)])
  await announceChatCreated(chat, [actor.userId])
  return { chat: await renderChatFor(actor.userId, chat), created: true }
}

interface NewChat {
  type: 'direct' | 'group' | 'channel'
  name: string | null
  topic: string | null
  createdBy: string
  memberIds: string[] | undefined
  now: Date
}

async function storeChat(chatId: Types.ObjectId, data: NewChat, memberships: ReturnType<typeof newMembership>[]): Promise<ChatRecord> {
  const id = chatId.toHexString()
  await ChatModel.create({
    _id: chatId,
    type: data.type,
    name: data.name,
    nameKey: data.type === 'channel' && data.name ? channelNameKey(data.name) : null,
    topic: data.topic,
    ...(data.type === 'channel' ? channelSearchKeys(data.name ?? '', data.topic) : {}),
    createdBy: data.createdBy,
    memberCount: memberships.length,
    memberIds: data.memberIds,
    lastSeq: 0,
    lastChangeSeq: 0,
    lastActivityAt: data.now,
    createdAt: data.now,
  })
  await MembershipModel.insertMany(memberships)
  const userIds = memberships.map(membership => membership.userId)
  await addToUserChats(userIds, id)
  await subscribe(userIds, id, 0)
  const chat = await findChat(id)
  if (!chat) throw apiError('not_found')
  return chat
}

// --- reading ---

export interface ListOptions { limit: number, cursor?: string }

/**
 * The caller's chats, most recent activity first. The order comes from each chat's
 * remembered activity (activity.ts); only the page's chats are read whole, one `$in`.
 */
export async function listChats(actor: Pick<Actor, 'userId' | 'role'>, options: ListOptions): Promise<Page<ChatDto>> {
  const order = await chatsByActivity(await userChatIds(actor.userId))
  const after = decodeCursor(options.cursor)
  let start = 0
  if (after?.t !== undefined) {
    const time = after.t
    const position = order.findIndex(chat => chat.at < time || (chat.at === time && chat.id < after.id))
    start = position === -1 ? order.length : position
  }
  const slice = order.slice(start, start + options.limit)
  const found = await mapByIds<ChatRecord>(ChatModel, slice.map(chat => chat.id))
  rememberChatActivity([...found.values()])
  const items = await renderChatsFor(actor.userId, slice.flatMap(chat => found.get(chat.id) ?? []))
  const last = slice[slice.length - 1]
  const more = start + options.limit < order.length
  return { items, nextCursor: more && last ? encodeCursor({ t: last.at, id: last.id }) : null }
}

/**
 * The channel directory (a scan, as directories may be): by name, with `joined`. `q` is
 * found anywhere in the name or the topic ("trails" finds #hikers about "Trails and peaks").
 * One "#" before it is the one the directory writes before every name, not part of it:
 * "#e-random" finds e-random. Found anywhere, the rest still finds a name with a "#" of its
 * own, inside it or first ("#c#" finds c#, "##news" and "#news" find #news). Case and
 * accents do not count ("cafe" finds Café): `q` is compared as the stored `searchKey` and
 * `topicKey` are made (channelSearchKey). A channel stored before those keys is matched by
 * its name and topic as before until the start-up migration gives it them
 * (channel-key-migration.ts).
 */
export async function listPublicChats(actor: Pick<Actor, 'userId' | 'role'>, options: ListOptions & { q?: string }): Promise<Page<PublicChat>> {
  const conditions: Record<string, unknown>[] = [{ type: 'channel' }]
  const matching = channelSearchCondition(options.q?.trim().replace(/^#/, '') ?? '')
  if (matching) conditions.push(matching)
  const after = decodeCursor(options.cursor)
  if (after?.name !== undefined && Types.ObjectId.isValid(after.id)) {
    conditions.push({ $or: [{ nameKey: { $gt: after.name } }, { nameKey: after.name, _id: { $gt: new Types.ObjectId(after.id) } }] })
  }
  const filter = { $and: conditions }
  const found = await ChatModel.find(filter).sort({ nameKey: 1, _id: 1 }).limit(options.limit + 1).lean<ChatRecord[]>().exec()
  const page = found.slice(0, options.limit)
  const chats = await renderChatsFor(actor.userId, page)
  const items = chats.map(chat => ({ ...chat, joined: chat.membership !== null }))
  const last = page[page.length - 1]
  return { items, nextCursor: found.length > options.limit && last ? encodeCursor({ name: last.nameKey ?? '', id: last._id.toHexString() }) : null }
}

export async function getChat(actor: Pick<Actor, 'userId' | 'role'>, chatId: string): Promise<ChatDetail> {
  const { chat, membership } = await requireVisibleChat(actor, chatId)
  const dto: ChatDetail = await renderChatFor(actor.userId, chat, membership)
  if (chat.type !== 'channel') {
    const ids = chat.memberIds ?? []
    const people = await loadUsers(ids)
    dto.members = ids.map(id => publicUser(id, people.get(id)))
  }
  return dto
}

// --- changing a chat ---

export async function updateChat(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, patch: { name?: string, topic?: string | null }): Promise<ChatDto> {
  const { membership } = await requireVisibleChat(actor, chatId)
  return withLock(`chat:${chatId}`, async () => {
    const chat = await findChat(chatId)
    if (!chat) throw apiError('not_found')
    if (chat.type === 'direct') throw apiError('forbidden', 'Direct chats have no name or topic.')
    if (!mayEditChat(chatViewer(actor, { chat, membership }))) throw apiError('forbidden')
    const set: Record<string, unknown> = {}
    if (patch.topic !== undefined) set.topic = patch.topic
    if (patch.name !== undefined && patch.name.trim() !== chat.name) {
      const name = patch.name.trim()
      if (chat.type === 'channel' && channelNameKey(name) !== chat.nameKey) {
        try {
          await ChatKeyModel.create({ _id: channelKey(name), chatId })
        }
        catch (error) {
          if (isDuplicateKeyError(error)) throw apiError('name_taken', 'A channel with that name exists.')
          throw error
        }
        await ChatKeyModel.deleteOne({ _id: heldChannelKey(chat) }).exec()
        set.nameKey = channelNameKey(name)
      }
      set.name = name
    }
    if (Object.keys(set).length > 0 && chat.type === 'channel') Object.assign(set, channelSearchKeys((set.name as string | undefined) ?? chat.name ?? '', patch.topic !== undefined ? patch.topic : chat.topic))
    if (Object.keys(set).length > 0) await ChatModel.updateOne({ _id: chat._id }, { $set: set }).exec()
    const updated = (await findChat(chatId))!
    // Chat-wide events carry no viewer-specific parts: clients keep their own membership.
    const shared = await renderChatFor(actor.userId, updated, null)
    await publishToChat(chatId, { type: 'chat.updated', chat: { ...shared, peer: null } })
    return renderChatFor(actor.userId, updated, membership)
  })
}

async function chatMemberIds(chat: ChatRecord): Promise<string[]> {
  if (chat.memberIds) return [...chat.memberIds]
  const memberships = await MembershipModel.find({ chatId: chat._id.toHexString() }, { userId: 1 }).lean<MembershipRecord[]>().exec()
  return memberships.map(membership => membership.userId)
}

export async function deleteChat(actor: Pick<Actor, 'userId' | 'role'>, chatId: string): Promise<void> {
  const access = await requireVisibleChat(actor, chatId)
  if (!mayDeleteChat(chatViewer(actor, access))) throw apiError('forbidden')
  await removeChat(access.chat)
}

export async function removeChat(chat: ChatRecord): Promise<void> {
  const chatId = chat._id.toHexString()
  await withLock(`chat:${chatId}`, async () => {
    const memberIds = await chatMemberIds(chat)
    await ChatModel.deleteOne({ _id: chat._id }).exec()
    await publishToChat(chatId, { type: 'chat.deleted', chatId })
    await publishControl({ type: '$drop-chat', chatId }, [chatTopic(chatId)])
    await removeFromUserChats(memberIds, chatId)
    if (chat.type === 'direct' && chat.memberIds?.length === 2) await ChatKeyModel.deleteOne({ _id: directKey(chat.memberIds[0]!, chat.memberIds[1]!) }).exec()
    if (chat.type === 'channel' && chat.name) await ChatKeyModel.deleteOne({ _id: heldChannelKey(chat), chatId }).exec()
  })
  // The rest is unreachable now (every read starts from the chat); clean it up in the background.
  const prefix = new RegExp(`^${chatId}:`)
  const cleanup = Promise.all([
    MembershipModel.deleteMany({ chatId }).exec(),
    MessageModel.deleteMany({ chatId }).exec(),
    MessageChangeModel.deleteMany({ _id: prefix }).exec(),
    ClientIdKeyModel.deleteMany({ _id: prefix }).exec(),
    removeChatAttachments(chatId),
  ]).then(() => {}, (error: unknown) => logger.warn('chat cleanup failed', { chatId, error: errorName(error) }))
  cleanups.add(cleanup)
  void cleanup.finally(() => cleanups.delete(cleanup))
}

const cleanups = new Set<Promise<void>>()

/** Resolves once the background clean-ups of deleted chats have finished (shutdown, tests). */
export async function settleCleanups(): Promise<void> {
  await Promise.all([...cleanups])
}
