import { Types } from 'mongoose'
import type { ChangesPage, Message as MessageDto, MessageHistory, Page } from '#shared/types/api'
import { toMessageDto, toMessages, type StoredMessage } from '../dto/messages'
import { Chat, Membership, membershipId } from '../models/chat'
import { ClientIdKey, Message, MessageChange, changeKeyId, clientIdKeyId, messageIdFor } from '../models/message'
import { apiError, isDuplicateKeyError } from '../utils/errors'
import { withLock } from '../utils/lock'
import { logger } from '../utils/logger'
import { faultPoint, resilienceSettings, withDeadline } from '../utils/resilience'
import { findChat, findMembership, isChatManager, requireMember, requireVisibleChat, type Actor, type StoredChat } from './access'
import { userChatIds } from './chats'
import { decodeCursor, encodeCursor } from './cursor'
import { publishToChat } from './realtime/bus'
import { recordMentions, resolveMentions } from './mentions'
import { consumeSend } from './send-rate'

// Messages: one service for REST and WebSocket. Each change in a chat takes the next
// value of the chat's change counter; a new message also takes the next seq. Inside one
// instance the chat's keyed lock serializes them; between instances the `_id` of the
// message (derived from chat and seq) and of the change key arbitrate, with a bounded
// retry. Everything is read and written by `_id` (docs/api-realtime.md).

const MAX_CLAIM_ATTEMPTS = 50
const MAX_DISTINCT_REACTIONS = 20
const MAX_OWN_SEQS_KEPT = 1_000
const MAX_DELETIONS_KEPT = 200

function findMessage(id: string | Types.ObjectId): Promise<StoredMessage | null> {
  return Message.findById(id).lean<StoredMessage>().exec()
}

/** Claims the next free changeSeq at or above `from` by inserting its key (bounded retry). */
async function claimChangeSeq(chatId: string, from: number, messageId: Types.ObjectId): Promise<number> {
  for (let changeSeq = from, attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++, changeSeq++) {
    try {
      await MessageChange.create({ _id: changeKeyId(chatId, changeSeq), messageId })
      return changeSeq
    }
    catch (error) {
      if (!isDuplicateKeyError(error)) throw error
    }
  }
  throw apiError('conflict', 'The chat is too busy; try again.')
}

async function bumpChatCounters(chatId: string, counters: { lastSeq?: number, lastChangeSeq: number, lastActivityAt?: Date }): Promise<void> {
  // $max: a slower instance writing an older value never moves a counter back on MongoDB.
  await Chat.updateOne({ _id: chatId }, { $max: counters }).exec()
}

// --- sending ---

export interface SendInput {
  content: string
  clientId?: string
  replyToId?: string | null
}

type OwnedMessage = StoredMessage & { senderId: string, clientId: string | null }

function isOwn(message: StoredMessage | null, senderId: string, clientId: string): message is OwnedMessage {
  return !!message && message.senderId === senderId && message.clientId === clientId
}

interface ClientKeyRef { _id: string, messageId: Types.ObjectId, claimedAt?: Date | null }

/** What a clientId key says: the sender's stored original, nothing (claim it), or a key left by a dead writer. */
type KeyState = { original: StoredMessage } | { claim: true } | { stale: ClientKeyRef }

const REPLAY_WAIT_MS = 2_000

/**
 * Resolves a clientId key. An ack names the sender's own stored message or does not happen:
 * the message the key points at must carry this sender and clientId. A key whose message is
 * missing or someone else's is either in flight (its writer is storing it or moving it to
 * the next seq: wait briefly) or left by a writer that died between the two writes (older
 * than the lease: `stale`, the caller claims again). In between: 503, the client retries.
 */
async function resolveClientKey(key: string, senderId: string, clientId: string, waitMs = REPLAY_WAIT_MS): Promise<KeyState> {
  const deadline = Date.now() + waitMs
  for (;;) {
    const ref = await ClientIdKey.findById(key).lean<ClientKeyRef>().exec()
    if (!ref) return { claim: true }
    const message = await findMessage(ref.messageId)
    if (isOwn(message, senderId, clientId)) return { original: message }
    const age = Date.now() - (ref.claimedAt ? new Date(ref.claimedAt).getTime() : 0)
    if (age > resilienceSettings().clientKeyLeaseMs) {
      logger.warn('repairing a clientId key left by a failed send', { chatId: key.split(':')[0], age })
      return { stale: ref }
    }
    if (Date.now() >= deadline) throw apiError('unavailable', 'The original message is still being stored; try again.', { retryAfter: 2 })
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Removes a key left by a dead writer (only that claim: a fresh one by another instance stays). */
async function dropStaleKey(ref: ClientKeyRef): Promise<void> {
  await ClientIdKey.deleteOne({ _id: ref._id, messageId: ref.messageId, ...(ref.claimedAt ? { claimedAt: ref.claimedAt } : {}) }).exec()
}

export async function sendMessage(actor: Actor, chatId: string, input: SendInput): Promise<{ message: MessageDto, created: boolean }> {
  return withDeadline(() => storeMessage(actor, chatId, input))
}

async function storeMessage(actor: Actor, chatId: string, input: SendInput): Promise<{ message: MessageDto, created: boolean }> {
  const access = await requireMember(actor, chatId)
  const clientId = input.clientId
  const key = clientId ? clientIdKeyId(chatId, actor.userId, clientId) : null
  if (key && clientId) {
    const state = await resolveClientKey(key, actor.userId, clientId)
    if ('original' in state) return { message: await toMessageDto(state.original), created: false }
  }
  await consumeSend(actor.userId)
  let replyToId: Types.ObjectId | null = null
  if (input.replyToId) {
    const target = await findMessage(input.replyToId)
    if (!target || target.chatId !== chatId) {
      throw apiError('validation_failed', 'The message replied to is not in this chat.', { issues: [{ path: ['replyToId'], message: 'Not a message of this chat', code: 'custom' }] })
    }
    replyToId = target._id
  }
  const mentions = await resolveMentions(input.content, access.chat, access.membership)

  return withLock(`chat:${chatId}`, async (): Promise<{ message: MessageDto, created: boolean }> => {
    if (key && clientId) {
      const state = await resolveClientKey(key, actor.userId, clientId)
      if ('original' in state) return { message: await toMessageDto(state.original), created: false }
      if ('stale' in state) await dropStaleKey(state.stale)
    }
    const chat = await findChat(chatId)
    if (!chat) throw apiError('not_found')
    let seq = chat.lastSeq + 1
    let messageId = messageIdFor(chatId, seq)
    const claimedAt = new Date()
    if (key && clientId) {
      try {
        await ClientIdKey.create({ _id: key, messageId, claimedAt })
      }
      catch (error) {
        if (!isDuplicateKeyError(error)) throw error
        // Another instance claimed it this instant: its message is about to be stored.
        const state = await resolveClientKey(key, actor.userId, clientId)
        if ('original' in state) return { message: await toMessageDto(state.original), created: false }
        throw apiError('unavailable', 'The original message is still being stored; try again.', { retryAfter: 2 })
      }
      faultPoint('send.after-client-key', clientId)
    }
    const leaseMs = resilienceSettings().clientKeyLeaseMs
    const now = new Date()
    let stored = false
    let changeSeq = 0
    try {
      changeSeq = await claimChangeSeq(chatId, chat.lastChangeSeq + 1, messageId)
      for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && !stored; attempt++) {
        // Past half the lease a retry may already be repairing this key: storing now could store twice.
        if (key && Date.now() - claimedAt.getTime() > leaseMs / 2) throw apiError('unavailable', 'Storing took too long; try again.', { retryAfter: 2 })
        try {
          await Message.create({
            _id: messageId, chatId, seq, changeSeq, senderId: actor.userId, content: input.content,
            clientId: clientId ?? null, replyToId, mentions: mentions.userIds, mentionsAll: mentions.chatWide,
            reactions: [], editedAt: null, deletedAt: null, createdAt: now,
          })
          stored = true
        }
        catch (error) {
          if (!isDuplicateKeyError(error)) throw error
          if (clientId) {
            // A retry on another instance repaired our key and stored this very send: it is the original.
            const occupant = await findMessage(messageId)
            if (isOwn(occupant, actor.userId, clientId)) return { message: await toMessageDto(occupant), created: false }
          }
          // Another instance took this seq: take the next one, and repoint the keys at it.
          seq++
          messageId = messageIdFor(chatId, seq)
          await MessageChange.updateOne({ _id: changeKeyId(chatId, changeSeq) }, { $set: { messageId } }).exec()
          if (key) await ClientIdKey.updateOne({ _id: key, claimedAt }, { $set: { messageId } }).exec()
        }
      }
    }
    finally {
      // A send that did not store must not leave its clientId pointing at nothing: a retry has to
      // work. Past half the lease a retry may have claimed the key again: leave that claim alone.
      if (!stored && key && Date.now() - claimedAt.getTime() <= leaseMs / 2) {
        await ClientIdKey.deleteOne({ _id: key, claimedAt }).exec().catch(() => {})
      }
    }
    if (!stored) throw apiError('conflict', 'The chat is too busy; try again.')
    await bumpChatCounters(chatId, { lastSeq: seq, lastChangeSeq: changeSeq, lastActivityAt: now })
    await rememberOwnMessage(chatId, actor.userId, seq)
    await recordMentions(chat, seq, actor.userId, mentions)
    const message = await toMessageDto((await findMessage(messageId))!)
    // Announced in the lock's order but not awaited: local sockets get it at once, and a
    // stalled Redis never holds up the chat or the ack (the bus gives up after its deadline).
    void publishToChat(chatId, { type: 'message.created', chatId, message })
    return { message, created: true }
  })
}

/** The sender's own messages never count as unread for them (see dto/chats.ts unreadCount). */
async function rememberOwnMessage(chatId: string, userId: string, seq: number): Promise<void> {
  await withLock(`member:${chatId}:${userId}`, async () => {
    const membership = await findMembership(chatId, userId)
    if (!membership) return
    const own = [...membership.ownSeqsAfterRead, seq]
    if (own.length <= MAX_OWN_SEQS_KEPT) {
      await Membership.updateOne({ _id: membershipId(chatId, userId) }, { $push: { ownSeqsAfterRead: seq } }).exec()
      return
    }
    // Someone who writes a thousand messages without reading has read up to their older ones.
    const lastReadSeq = Math.max(membership.lastReadSeq, own[own.length - MAX_OWN_SEQS_KEPT - 1]!)
    await Membership.updateOne({ _id: membershipId(chatId, userId) }, {
      $set: { lastReadSeq, ownSeqsAfterRead: own.filter(ownSeq => ownSeq > lastReadSeq) },
    }).exec()
  })
}

// --- changing a message ---

interface Loaded { message: StoredMessage, chat: StoredChat, membership: Awaited<ReturnType<typeof findMembership>> }

async function loadForChange(actor: Actor, messageId: string): Promise<Loaded> {
  const message = await findMessage(messageId)
  if (!message) throw apiError('not_found')
  const { chat, membership } = await requireVisibleChat(actor, message.chatId)
  return { message, chat, membership }
}

/**
 * Applies one change to a message under the chat's lock: re-reads the message, lets
 * `decide` check and describe the update (or return null for "nothing changes"), takes the
 * next changeSeq, stores, then announces it.
 */
async function changeMessage(
  chatId: string,
  messageId: Types.ObjectId,
  decide: (current: StoredMessage) => Record<string, unknown> | null,
  eventType: 'message.updated' | 'message.deleted',
  extraChatUpdate?: (current: StoredMessage, chat: StoredChat) => Record<string, unknown> | undefined,
): Promise<MessageDto> {
  return withDeadline(() => withLock(`chat:${chatId}`, async () => {
    const current = await findMessage(messageId)
    if (!current) throw apiError('not_found')
    const set = decide(current)
    if (!set) return toMessageDto(current)
    const chat = await findChat(chatId)
    if (!chat) throw apiError('not_found')
    const changeSeq = await claimChangeSeq(chatId, chat.lastChangeSeq + 1, messageId)
    await Message.updateOne({ _id: messageId }, { $set: { ...set, changeSeq } }).exec()
    await bumpChatCounters(chatId, { lastChangeSeq: changeSeq })
    const chatUpdate = extraChatUpdate?.(current, chat)
    if (chatUpdate) await Chat.updateOne({ _id: chatId }, chatUpdate).exec()
    const message = await toMessageDto((await findMessage(messageId))!)
    void publishToChat(chatId, { type: eventType, chatId, message })
    return message
  }))
}

export async function editMessage(actor: Actor, messageId: string, content: string): Promise<MessageDto> {
  const { message } = await loadForChange(actor, messageId)
  if (message.senderId !== actor.userId) throw apiError('forbidden', 'Only the author can edit a message.')
  return changeMessage(message.chatId, message._id, (current) => {
    if (current.deletedAt) throw apiError('conflict', 'This message was deleted.')
    if (current.content === content) return null
    return { content, editedAt: new Date() }
  }, 'message.updated')
}

export async function deleteMessage(actor: Actor, messageId: string): Promise<MessageDto> {
  const { message, chat, membership } = await loadForChange(actor, messageId)
  const allowed = message.senderId === actor.userId
    || (chat.type !== 'direct' && isChatManager(membership))
    || actor.role === 'admin'
  if (!allowed) throw apiError('forbidden')
  return changeMessage(message.chatId, message._id, (current) => {
    if (current.deletedAt) return null
    return { content: '', reactions: [], deletedAt: new Date() }
  }, 'message.deleted', (current, chat) => ({
    $set: { recentDeletions: [...chat.recentDeletions, { seq: current.seq, senderId: current.senderId }].slice(-MAX_DELETIONS_KEPT) },
  }))
}

export async function setReaction(actor: Actor, messageId: string, emoji: string, present: boolean): Promise<MessageDto> {
  const { message, membership } = await loadForChange(actor, messageId)
  if (!membership) throw apiError('forbidden', 'Join this channel first.')
  return changeMessage(message.chatId, message._id, (current) => {
    if (current.deletedAt) throw apiError('conflict', 'This message was deleted.')
    const reactions = current.reactions.map(r => ({ emoji: r.emoji, userIds: [...r.userIds] })).filter(r => r.userIds.length > 0)
    const existing = reactions.find(r => r.emoji === emoji)
    const has = !!existing?.userIds.includes(actor.userId)
    if (has === present) return null // already there (or already absent): nothing changes
    if (present) {
      if (existing) existing.userIds.push(actor.userId)
      else if (reactions.length >= MAX_DISTINCT_REACTIONS) throw apiError('conflict', `A message has at most ${MAX_DISTINCT_REACTIONS} different reactions.`)
      else reactions.push({ emoji, userIds: [actor.userId] })
    }
    else {
      existing!.userIds = existing!.userIds.filter(id => id !== actor.userId)
    }
    return { reactions: reactions.filter(r => r.userIds.length > 0) }
  }, 'message.updated')
}

// --- reading ---

const MAX_COUNTER_PROBES = 100

/**
 * The chat's counters as the stored messages and change keys show them. Between
 * instances, FerretDB can let a slower `$max` write a counter back (its updates are
 * read-then-write); one `_id` probe past each counter finds that, and repairs it.
 */
async function observedCounters(chat: StoredChat): Promise<{ lastSeq: number, lastChangeSeq: number }> {
  const chatId = chat._id.toHexString()
  const probe = async (start: number, exists: (n: number) => Promise<unknown>) => {
    let last = start
    while (last - start < MAX_COUNTER_PROBES && await exists(last + 1)) last++
    return last
  }
  const [lastSeq, lastChangeSeq] = await Promise.all([
    probe(chat.lastSeq, n => Message.findById(messageIdFor(chatId, n), { _id: 1 }).lean().exec()),
    // A change counts once its message shows it (the key is written first, the message after).
    probe(chat.lastChangeSeq, async (n) => {
      const key = await MessageChange.findById(changeKeyId(chatId, n)).lean().exec()
      const message = key ? await Message.findById(key.messageId, { changeSeq: 1 }).lean().exec() : null
      return !!message && message.changeSeq >= n
    }),
  ])
  if (lastSeq > chat.lastSeq || lastChangeSeq > chat.lastChangeSeq) {
    await bumpChatCounters(chatId, { lastSeq, lastChangeSeq })
  }
  return { lastSeq, lastChangeSeq }
}

async function fetchSeqRange(chatId: string, from: number, to: number): Promise<StoredMessage[]> {
  if (to < from) return []
  const seqs = Array.from({ length: to - from + 1 }, (_, index) => from + index)
  const found = await Promise.all(seqs.map(seq => findMessage(messageIdFor(chatId, seq))))
  return found.filter((message): message is StoredMessage => !!message)
}

/** The stored messages of a chat from seq `from` to `to` (the hub fills a delivery gap with them). */
export async function messagesBySeq(chatId: string, from: number, to: number): Promise<MessageDto[]> {
  return toMessages(await fetchSeqRange(chatId, from, to))
}

export interface HistoryQuery { before?: number, after?: number, around?: number, limit: number }

/** A page of history: a computed range of seqs, each message fetched by its derived `_id`. */
export async function history(actor: Actor, chatId: string, query: HistoryQuery): Promise<MessageHistory> {
  const { chat } = await requireVisibleChat(actor, chatId)
  const { lastSeq: last } = await observedCounters(chat)
  const { limit } = query
  let from: number
  let to: number
  if (query.around !== undefined) {
    const centre = Math.min(Math.max(query.around, 1), Math.max(last, 1))
    from = Math.max(1, centre - Math.floor((limit - 1) / 2))
    to = Math.min(last, from + limit - 1)
    from = Math.max(1, to - limit + 1)
  }
  else if (query.before !== undefined) {
    to = Math.min(query.before - 1, last)
    from = Math.max(1, to - limit + 1)
  }
  else if (query.after !== undefined) {
    from = query.after + 1
    to = Math.min(last, query.after + limit)
  }
  else {
    to = last
    from = Math.max(1, last - limit + 1)
  }
  if (to < from) {
    return { items: [], hasMoreBefore: query.after !== undefined ? Math.min(query.after, last) >= 1 : false, hasMoreAfter: query.before !== undefined ? last >= query.before : false }
  }
  const items = await toMessages(await fetchSeqRange(chatId, from, to))
  return { items, hasMoreBefore: from > 1, hasMoreAfter: to < last }
}

/** The most change keys (and so messages) one `$in` read asks for. */
const MAX_KEYS_PER_READ = 1_000

/**
 * Changes after `since`, ascending by changeSeq. Each message appears once, in its
 * current state, at its current changeSeq. The keys `<chatId>:<n>` name the message each
 * change touched: they are read in windows after `since` (the first `limit` numbers, then
 * twice as many each time, one `$in` on `_id` for the keys and one for their messages)
 * until the page holds `limit` messages or the chat's last change is read, so a page is
 * never empty while `hasMore` is true, even when every change in a window belongs to a
 * message changed again later. `lastChangeSeq` is the last change this answer accounts
 * for (the chat's own when `hasMore` is false), so `since=lastChangeSeq` continues
 * without a gap (docs/api-realtime.md, "`/changes`").
 */
export async function changes(actor: Actor, chatId: string, since: number, limit: number): Promise<ChangesPage> {
  const { chat } = await requireVisibleChat(actor, chatId)
  const { lastChangeSeq: last } = await observedCounters(chat)
  if (last <= since) return { items: [], lastChangeSeq: Math.max(last, 0), hasMore: false }
  const found = new Map<string, StoredMessage>()
  let readTo = since
  let window = Math.min(limit, MAX_KEYS_PER_READ)
  while (found.size < limit && readTo < last) {
    const from = readTo + 1
    const to = Math.min(last, readTo + window)
    for (const message of await messagesChangedIn(chatId, from, to)) found.set(message._id.toHexString(), message)
    readTo = to
    window = Math.min(window * 2, MAX_KEYS_PER_READ)
  }
  const sorted = [...found.values()].sort((a, b) => a.changeSeq - b.changeSeq)
  const page = sorted.slice(0, limit)
  // A window can overfill the page: it then accounts for changes up to its last message only.
  const lastChangeSeq = sorted.length > limit ? page[page.length - 1]!.changeSeq : readTo
  return { items: await toMessages(page), lastChangeSeq, hasMore: lastChangeSeq < last }
}

/** The messages whose current changeSeq is in `from..to`: their change keys, then the messages, each one `$in` read. */
async function messagesChangedIn(chatId: string, from: number, to: number): Promise<StoredMessage[]> {
  const keyIds = Array.from({ length: to - from + 1 }, (_, index) => changeKeyId(chatId, from + index))
  const keys = await MessageChange.find({ _id: { $in: keyIds } }).lean().exec()
  const messageIds = [...new Set(keys.map(key => key.messageId.toHexString()))].map(id => new Types.ObjectId(id))
  if (messageIds.length === 0) return []
  const messages = await Message.find({ _id: { $in: messageIds } }).lean<StoredMessage[]>().exec()
  return messages.filter(message => message.chatId === chatId && message.changeSeq >= from && message.changeSeq <= to)
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Search (a scan, as a person expects): case-insensitive substring, the caller's chats only, newest first. */
export async function searchMessages(actor: Actor, query: { q: string, chatId?: string, limit: number, cursor?: string }): Promise<Page<MessageDto>> {
  let chatIds = await userChatIds(actor.userId)
  if (query.chatId) chatIds = chatIds.filter(id => id === query.chatId)
  if (chatIds.length === 0) return { items: [], nextCursor: null }
  const filter: Record<string, unknown> = {
    chatId: { $in: chatIds },
    deletedAt: null,
    content: { $regex: escapeRegex(query.q), $options: 'i' },
  }
  const after = decodeCursor(query.cursor)
  if (after?.t !== undefined && Types.ObjectId.isValid(after.id)) {
    filter.$or = [{ createdAt: { $lt: new Date(after.t) } }, { createdAt: new Date(after.t), _id: { $lt: new Types.ObjectId(after.id) } }]
  }
  const found = await Message.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit + 1).lean<StoredMessage[]>().exec()
  const page = found.slice(0, query.limit)
  const last = page[page.length - 1]
  return {
    items: await toMessages(page),
    nextCursor: found.length > query.limit && last ? encodeCursor({ t: last.createdAt.getTime(), id: last._id.toHexString() }) : null,
  }
}
