import type { Types } from 'mongoose'
import type { Message as MessageDto } from '#shared/types/api'
import { MembershipModel, MessageChangeModel, MessageModel, changeKeyId, clientIdKeyId, membershipId, messageIdFor, type MessageRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { faultPoint, withDeadline } from '../../utils/resilience'
import { claimAttachments, resolveSendAttachments, tieUnsentFiles, type AttachmentClaim } from '../attachments/sending'
import { findChat, findMembership, requireMember } from '../chats/access'
import { queuePush } from '../push/deliver'
import { publishToChat } from '../realtime'
import { claimClientKey, isOwn, moveClientKey, releaseClientKey, resolveClientKey, takeOverFrom } from './client-key'
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

export async function sendMessage(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, input: SendInput): Promise<{ message: MessageDto, created: boolean }> {
  return withDeadline(() => admitSend(() => storeMessage(actor, chatId, input)))
}

async function storeMessage(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, input: SendInput): Promise<{ message: MessageDto, created: boolean }> {
  const access = await requireMember(actor, chatId)
  const clientId = input.clientId
  const key = clientId ? clientIdKeyId(chatId, actor.userId, clientId) : null
  if (key && clientId) {
    const state = await resolveClientKey(key, actor.userId, clientId)
    if ('original' in state) return replay(state.original)
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
  const files = await resolveSendAttachments(actor.userId, chatId, input.attachments, key)
  const mentions = await resolveMentions(input.content, access.chat, access.membership)

  return withLock(`chat:${chatId}`, async (): Promise<{ message: MessageDto, created: boolean }> => {
    const state = key && clientId ? await resolveClientKey(key, actor.userId, clientId) : null
    if (state && 'original' in state) return replay(state.original)
    const chat = await findChat(chatId)
    if (!chat) throw apiError('not_found')
    let seq = chat.lastSeq + 1
    const claimedAt = new Date()
    if (key && clientId && state) {
      if ('takeOver' in state) {
        const start = await takeOverFrom(chatId, state.takeOver, chat.lastSeq, actor.userId, clientId)
        if ('original' in start) return replay(start.original)
        seq = start.seq
      }
      if (!await claimClientKey(key, seq, chatId, claimedAt, 'takeOver' in state)) {
        // Another instance claimed it this instant: its message is about to be stored.
        const again = await resolveClientKey(key, actor.userId, clientId)
        if ('original' in again) return replay(again.original)
        throw apiError('unavailable', 'The original message is still being stored; try again.', { retryAfter: 2 })
      }
      faultPoint('send.after-client-key', clientId)
    }
    let messageId = messageIdFor(chatId, seq)
    const now = new Date()
    let stored: MessageRecord | null = null
    let outcomeUnknown = false
    let changeSeq = 0
    let claim: AttachmentClaim | undefined
    try {
      claim = await claimAttachments(chatId, actor.userId, files, key)
      changeSeq = await claimChangeSeq(chatId, chat.lastChangeSeq + 1, messageId)
      for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && !stored; attempt++) {
        faultPoint('send.before-insert', clientId)
        outcomeUnknown = true
        try {
          const record = {
            _id: messageId, chatId, seq, changeSeq, senderId: actor.userId, content: input.content,
            clientId: clientId ?? null, replyToId, mentions: mentions.userIds, mentionsAll: mentions.chatWide, attachmentIds: files.map(file => file._id),
            reactions: [], editedAt: null, deletedAt: null, createdAt: now,
          }
          await MessageModel.create(record)
          // What was written is what a read would return: the message is rendered from it, not read back.
          stored = record as unknown as MessageRecord
        }
        catch (error) {
          // The insert may still land (a timed-out write): the key stays where it points, and the
          // client's retry, walking from there, finds this message rather than storing another.
          if (!isDuplicateKeyError(error)) throw error
          outcomeUnknown = false
          if (clientId) {
            // Another writer of this very send (a retry that took the key over) stored it here.
            const occupant = await findMessage(messageId)
            if (isOwn(occupant, actor.userId, clientId)) return replay(occupant)
          }
          // Another message took this seq: take the next one, and point the keys at it.
          seq++
          messageId = messageIdFor(chatId, seq)
          await MessageChangeModel.updateOne({ _id: changeKeyId(chatId, changeSeq) }, { $set: { messageId } }).exec()
          if (key) await moveClientKey(key, messageId)
        }
      }
    }
    catch (error) {
      faultPoint('send.store-failed', clientId)
      throw error
    }
    finally {
      // A retry takes over at once. The files of a send whose insert may have landed stay
      // claimed under its key: its retry either claims them again or ties them (replay).
      if (!stored && key) await releaseClientKey(key, claimedAt)
      if (!stored && !(key && outcomeUnknown)) await claim?.release().catch(() => {})
    }
    if (!stored) throw apiError('conflict', 'The chat is too busy; try again.')
    await claim?.attachTo(messageId)
    // Writes to different documents (the chat, the sender's membership) and the rendering
    // go together. The mentions follow the counters: `@all` writes the chat document too,
    // and two updates of one document at once can lose one on the embedded engine.
    const [message] = await Promise.all([
      renderMessage(stored),
      bumpChatCounters(chatId, { lastSeq: seq, lastChangeSeq: changeSeq, lastActivityAt: now })
        .then(() => recordMentions(chat, seq, actor.userId, mentions)),
      rememberOwnMessage(chatId, actor.userId, seq),
    ])
    // Announced in the lock's order but not awaited: local sockets get it at once, and a
    // stalled Redis never holds up the chat or the ack (the bus gives up after its deadline).
    void publishToChat(chatId, { type: 'message.created', chatId, message })
    // Web Push only queues here: recipients are resolved and pushed after the lock (push/deliver.ts).
    queuePush({ chat, message, mentionedUserIds: [...mentions.userIds, ...mentions.hereUserIds], everyone: mentions.everyone, sentAt: performance.now() })
    return { message, created: true }
  })
}

/** A repeat answers with the original; files its first writer could not tie are tied now. */
async function replay(original: MessageRecord): Promise<{ message: MessageDto, created: boolean }> {
  if (original.clientId) await tieUnsentFiles(original, clientIdKeyId(original.chatId, original.senderId, original.clientId))
  return { message: await renderMessage(original), created: false }
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
