import type { Types } from 'mongoose'
import type { Message as MessageDto } from '#shared/types/api'
import { ClientIdKeyModel, MembershipModel, MessageChangeModel, MessageModel, changeKeyId, clientIdKeyId, membershipId, messageIdFor, type MessageRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { logger } from '../../utils/logger'
import { faultPoint, resilienceSettings, withDeadline } from '../../utils/resilience'
import { claimAttachments, resolveSendAttachments, type AttachmentClaim } from '../attachments/sending'
import { findChat, findMembership, requireMember } from '../chats/access'
import { queuePush } from '../push/deliver'
import { publishToChat } from '../realtime'
import { recordMentions, resolveMentions } from './mentions'
import { renderMessage } from './render'
import { admitSend } from './send-gate'
import { consumeSend } from './send-rate'
import { bumpChatCounters, claimChangeSeq, findMessage, MAX_CLAIM_ATTEMPTS } from './store'

// Sending a message, HTTP or WebSocket: membership, idempotent replays by clientId, the
// send rate, mentions, the next seq under the chat's lock (./store.ts), then the announcement.

const MAX_OWN_SEQS_KEPT = 1_000

export interface SendInput {
  content: string
  clientId?: string
  replyToId?: string | null
  /** Ids of the sender's uploads to this chat (docs/attachments.md). */
  attachments?: string[]
}

type OwnedMessage = MessageRecord & { senderId: string, clientId: string | null }

function isOwn(message: MessageRecord | null, senderId: string, clientId: string): message is OwnedMessage {
  return !!message && message.senderId === senderId && message.clientId === clientId
}

interface ClientKeyRef { _id: string, messageId: Types.ObjectId, claimedAt?: Date | null }

/** What a clientId key says: the sender's stored original, nothing (claim it), or a key left by a dead writer. */
type KeyState = { original: MessageRecord } | { claim: true } | { stale: ClientKeyRef }

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
    const ref = await ClientIdKeyModel.findById(key).lean<ClientKeyRef>().exec()
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
  await ClientIdKeyModel.deleteOne({ _id: ref._id, messageId: ref.messageId, ...(ref.claimedAt ? { claimedAt: ref.claimedAt } : {}) }).exec()
}

export async function sendMessage(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, input: SendInput): Promise<{ message: MessageDto, created: boolean }> {
  return withDeadline(() => admitSend(() => storeMessage(actor, chatId, input)))
}

async function storeMessage(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, input: SendInput): Promise<{ message: MessageDto, created: boolean }> {
  const access = await requireMember(actor, chatId)
  const clientId = input.clientId
  const key = clientId ? clientIdKeyId(chatId, actor.userId, clientId) : null
  if (key && clientId) {
    const state = await resolveClientKey(key, actor.userId, clientId)
    if ('original' in state) return { message: await renderMessage(state.original), created: false }
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
  const files = await resolveSendAttachments(actor.userId, chatId, input.attachments)
  const mentions = await resolveMentions(input.content, access.chat, access.membership)

  return withLock(`chat:${chatId}`, async (): Promise<{ message: MessageDto, created: boolean }> => {
    if (key && clientId) {
      const state = await resolveClientKey(key, actor.userId, clientId)
      if ('original' in state) return { message: await renderMessage(state.original), created: false }
      if ('stale' in state) await dropStaleKey(state.stale)
    }
    const chat = await findChat(chatId)
    if (!chat) throw apiError('not_found')
    let seq = chat.lastSeq + 1
    let messageId = messageIdFor(chatId, seq)
    const claimedAt = new Date()
    if (key && clientId) {
      try {
        await ClientIdKeyModel.create({ _id: key, messageId, claimedAt })
      }
      catch (error) {
        if (!isDuplicateKeyError(error)) throw error
        // Another instance claimed it this instant: its message is about to be stored.
        const state = await resolveClientKey(key, actor.userId, clientId)
        if ('original' in state) return { message: await renderMessage(state.original), created: false }
        throw apiError('unavailable', 'The original message is still being stored; try again.', { retryAfter: 2 })
      }
      faultPoint('send.after-client-key', clientId)
    }
    const leaseMs = resilienceSettings().clientKeyLeaseMs
    const now = new Date()
    let stored = false
    let changeSeq = 0
    let claim: AttachmentClaim | undefined
    try {
      claim = await claimAttachments(chatId, actor.userId, files)
      changeSeq = await claimChangeSeq(chatId, chat.lastChangeSeq + 1, messageId)
      for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && !stored; attempt++) {
        // Past half the lease a retry may already be repairing this key: storing now could store twice.
        if (key && Date.now() - claimedAt.getTime() > leaseMs / 2) throw apiError('unavailable', 'Storing took too long; try again.', { retryAfter: 2 })
        try {
          await MessageModel.create({
            _id: messageId, chatId, seq, changeSeq, senderId: actor.userId, content: input.content,
            clientId: clientId ?? null, replyToId, mentions: mentions.userIds, mentionsAll: mentions.chatWide, attachmentIds: files.map(file => file._id),
            reactions: [], editedAt: null, deletedAt: null, createdAt: now,
          })
          stored = true
        }
        catch (error) {
          if (!isDuplicateKeyError(error)) throw error
          if (clientId) {
            // A retry on another instance repaired our key and stored this very send: it is the original.
            const occupant = await findMessage(messageId)
            if (isOwn(occupant, actor.userId, clientId)) return { message: await renderMessage(occupant), created: false }
          }
          // Another instance took this seq: take the next one, and repoint the keys at it.
          seq++
          messageId = messageIdFor(chatId, seq)
          await MessageChangeModel.updateOne({ _id: changeKeyId(chatId, changeSeq) }, { $set: { messageId } }).exec()
          if (key) await ClientIdKeyModel.updateOne({ _id: key, claimedAt }, { $set: { messageId } }).exec()
        }
      }
    }
    finally {
      if (!stored) await claim?.release().catch(() => {})
      // A send that did not store must not leave its clientId pointing at nothing: a retry has to
      // work. Past half the lease a retry may have claimed the key again: leave that claim alone.
      if (!stored && key && Date.now() - claimedAt.getTime() <= leaseMs / 2) {
        await ClientIdKeyModel.deleteOne({ _id: key, claimedAt }).exec().catch(() => {})
      }
    }
    if (!stored) throw apiError('conflict', 'The chat is too busy; try again.')
    await claim?.attachTo(messageId)
    await bumpChatCounters(chatId, { lastSeq: seq, lastChangeSeq: changeSeq, lastActivityAt: now })
    await rememberOwnMessage(chatId, actor.userId, seq)
    await recordMentions(chat, seq, actor.userId, mentions)
    const message = await renderMessage((await findMessage(messageId))!)
    // Announced in the lock's order but not awaited: local sockets get it at once, and a
    // stalled Redis never holds up the chat or the ack (the bus gives up after its deadline).
    void publishToChat(chatId, { type: 'message.created', chatId, message })
    // Web Push only queues here: recipients are resolved and pushed after the lock (push/deliver.ts).
    queuePush({ chat, message, mentionedUserIds: [...mentions.userIds, ...mentions.hereUserIds], everyone: mentions.everyone, sentAt: performance.now() })
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
      await MembershipModel.updateOne({ _id: membershipId(chatId, userId) }, { $push: { ownSeqsAfterRead: seq } }).exec()
      return
    }
    // Someone who writes a thousand messages without reading has read up to their older ones.
    const lastReadSeq = Math.max(membership.lastReadSeq, own[own.length - MAX_OWN_SEQS_KEPT - 1]!)
    await MembershipModel.updateOne({ _id: membershipId(chatId, userId) }, {
      $set: { lastReadSeq, ownSeqsAfterRead: own.filter(ownSeq => ownSeq > lastReadSeq) },
    }).exec()
  })
}
