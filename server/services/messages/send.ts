import { searchableText } from '#shared/markdown'
import type { Message as MessageDto } from '#shared/types/api'
import { MessageChangeModel, MessageModel, changeKeyId, insertDocument, clientIdKeyId, messageIdFor, type ChatRecord, type MessageRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { faultPoint, withDeadline } from '../../utils/resilience'
import { claimAttachments, resolveSendAttachments, tieUnsentFiles, type AttachmentClaim } from '../attachments/sending'
import { findChat } from '../chats/access'
import { queuePush } from '../push/deliver'
import { publishToChat } from '../realtime'
import { rememberedCounters, type ChatCounters } from './chat-counters'
import { claimClientKey, isOwn, moveClientKey, releaseClientKey, resolveClientKey, storedOriginal, takeOverFrom, type KeyState } from './client-key'
import { recordMentions, resolveMentions } from './mentions'
import { noteOwnSeq } from './own-messages'
import { renderMessage, type Known } from './render'
import { forgetMembership, rememberChat, rememberMembership, requireSender, sendCacheEpoch, type SendAccess } from './send-cache'
import { admitSend } from './send-gate'
import { consumeSend } from './send-rate'
import { bumpChatCounters, claimChangeSeq, findMessage, MAX_CLAIM_ATTEMPTS } from './store'

// Sending a message, HTTP or WebSocket: membership, idempotent replays by clientId, the
// send rate, mentions, the next seq under the chat's lock (./store.ts), then the announcement.
// Its database commands are counted in tests/db/send-cost.test.ts (docs/database.md, "A send").

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
  const clientId = input.clientId
  const key = clientId ? clientIdKeyId(chatId, actor.userId, clientId) : null
  // The chat, membership and name remembered by this instance (a miss reads them by `_id`).
  const access = await requireSender(actor, chatId).catch(async (error: unknown) => {
    // A repeat of a send stored before the sender lost the chat (its answer lost, then
    // removed) is answered with its original all the same: the client must not count it
    // unsent (docs/guarantees.md). Looked up only here, so a send's usual path is unchanged.
    const original = key && clientId ? await storedOriginal(key, actor.userId, clientId) : null
    if (!original) throw error
    return { original }
  })
  if ('original' in access) return replay(access.original, {})
  // A repeat is answered before the rate limit and the lock: from the key's insert when it
  // can be claimed here, else from its read (then it is claimed under the lock).
  const outside = key && clientId ? await claimOrResolveKey(key, chatId, actor.userId, clientId) : null
  const known: Known = { senders: new Map([[actor.userId, access.sender]]) }
  if (outside && 'original' in outside) return replay(outside.original, known)
  try {
    return await storeNewMessage(actor, chatId, input, { access, known, key, outside })
  }
  catch (error) {
    // A send that ends without its message gives a key claimed here back, so its retry takes
    // over at once. A no-op when the lock already gave it back; harmless after a stored
    // message, which a repeat finds before it looks at the claim.
    if (key && outside && 'claimed' in outside) await releaseClientKey(key, outside.claimed)
    throw error
  }
}

/** What the key says before the lock: as resolveClientKey, or claimed here (at `claimed`, pointing at `slot`). */
type OutsideKeyState = KeyState | { claimed: Date, slot: number }

/**
 * When this instance knows the chat's counters, the key is inserted at once at the slot
 * after them (every slot below is taken by other messages: chat-counters.ts), so a first
 * try costs one command and a repeat meets a duplicate and is resolved. Otherwise the key is
 * read, and claimed under the lock with the chat's counters read there.
 */
async function claimOrResolveKey(key: string, chatId: string, senderId: string, clientId: string): Promise<OutsideKeyState> {
  const counters = rememberedCounters(chatId)
  if (counters) {
    const claimedAt = new Date()
    if (await claimClientKey(key, counters.lastSeq + 1, chatId, claimedAt, false)) return { claimed: claimedAt, slot: counters.lastSeq + 1 }
  }
  return resolveClientKey(key, senderId, clientId)
}

/** What storeMessage found before this send's own work: the sender's access, what renders it, its key and what the key said. */
interface SendStart { access: SendAccess, known: Known, key: string | null, outside: OutsideKeyState | null }

async function storeNewMessage(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, input: SendInput, { access, known, key, outside }: SendStart): Promise<{ message: MessageDto, created: boolean }> {
  const clientId = input.clientId
  await consumeSend(actor.userId)
  let reply: MessageRecord | null = null
  if (input.replyToId) {
    reply = await findMessage(input.replyToId)
    if (!reply || reply.chatId !== chatId) {
      throw apiError('validation_failed', 'The message replied to is not in this chat.', { issues: [{ path: ['replyToId'], message: 'Not a message of this chat', code: 'custom' }] })
    }
  }
  const files = await resolveSendAttachments(actor.userId, chatId, input.attachments, key)
  const mentions = await resolveMentions(input.content, access.chat, access.membership, reply && !reply.deletedAt ? reply.senderId : null)
  const searchText = searchableText(input.content)
  if (reply) known.replies = new Map([[reply._id.toHexString(), reply]])

  // Under the chat's lock, from the chat's counters (and the chat, when they had to be read)
  // and after the membership check below.
  const storeUnderLock = async (counters: ChatCounters, read: ChatRecord | null): Promise<{ message: MessageDto, created: boolean } | { replayOf: MessageRecord }> => {
    let chatRead: Promise<ChatRecord> | null = read ? Promise.resolve(read) : null
    const readChat = (): Promise<ChatRecord> => chatRead ??= findChat(chatId).then((found) => {
      if (!found) throw apiError('not_found')
      return found
    })
    const resync = read ? undefined : async () => (await readChat()).lastChangeSeq
    let seq = counters.lastSeq + 1
    let messageId = messageIdFor(chatId, seq)
    const claimedAt = outside && 'claimed' in outside ? outside.claimed : new Date()
    let changeSeq = 0
    let state: OutsideKeyState | null = outside
    if (key && clientId && state && 'claim' in state) {
      // The key and the change key are different documents: claimed together.
      const [keyClaim, changeClaim] = await Promise.allSettled([
        claimClientKey(key, seq, chatId, claimedAt, false),
        claimChangeSeq(chatId, counters.lastChangeSeq + 1, messageId, resync),
      ])
      if (changeClaim.status === 'rejected') {
        if (keyClaim.status === 'fulfilled' && keyClaim.value) await releaseClientKey(key, claimedAt)
        throw changeClaim.reason
      }
      if (keyClaim.status === 'rejected') throw keyClaim.reason
      changeSeq = changeClaim.value
      if (!keyClaim.value) {
        // Another writer of this send created the key since it was looked at.
        const again = await resolveClientKey(key, actor.userId, clientId)
        if ('original' in again) return { replayOf: again.original }
        if ('claim' in again) throw apiError('unavailable', 'The original message is still being stored; try again.', { retryAfter: 2 })
        state = again
      }
    }
    if (key && clientId && state && 'takeOver' in state) {
      // Every slot up to the chat's stored lastSeq is looked at for this send's own message.
      const start = await takeOverFrom(chatId, state.takeOver, (await readChat()).lastSeq, actor.userId, clientId)
      if ('original' in start) return { replayOf: start.original }
      seq = start.seq
      messageId = messageIdFor(chatId, seq)
      await claimClientKey(key, seq, chatId, claimedAt, true)
      // A change key claimed above for another slot points at this one now.
      if (changeSeq) await MessageChangeModel.updateOne({ _id: changeKeyId(chatId, changeSeq) }, { $set: { messageId } }).exec()
    }
    if (key && clientId && state && 'claimed' in state) {
      if (state.slot > seq) {
        // The counters were forgotten and read again behind a writer that stopped before
        // its counters: the slots below the key's are taken all the same (chat-counters.ts).
        seq = state.slot
        messageId = messageIdFor(chatId, seq)
      }
      else if (state.slot < seq) {
        // The slots from the key's up to this one were taken meanwhile; by a retry of this very
        // send that took the key over (past its lease) too? Looked at like a take-over's walk.
        // Then the key follows, so that a repeat finds the message where the key points.
        const start = await takeOverFrom(chatId, state.slot, seq - 1, actor.userId, clientId)
        if ('original' in start) return { replayOf: start.original }
        await moveClientKey(key, messageId)
      }
    }
    if (key) faultPoint('send.after-client-key', clientId)
    const now = new Date()
    let stored: MessageRecord | null = null
    let outcomeUnknown = false
    let claim: AttachmentClaim | undefined
    try {
      claim = await claimAttachments(chatId, actor.userId, files, key)
      if (!changeSeq) changeSeq = await claimChangeSeq(chatId, counters.lastChangeSeq + 1, messageId, resync)
      for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && !stored; attempt++) {
        faultPoint('send.before-insert', clientId)
        outcomeUnknown = true
        try {
          const record = {
            _id: messageId, chatId, seq, changeSeq, senderId: actor.userId, content: input.content, searchText,
            clientId: clientId ?? null, replyToId: reply?._id ?? null, mentions: mentions.userIds, mentionsAll: mentions.chatWide, attachmentIds: files.map(file => file._id),
            reactions: [], editedAt: null, deletedAt: null, createdAt: now,
          }
          await insertDocument(MessageModel, record)
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
            if (isOwn(occupant, actor.userId, clientId)) return { replayOf: occupant }
          }
          // Another message took this seq: take the next one, and point the keys at it. When
          // the counters were remembered, go on after the chat's stored lastSeq instead (every
          // slot up to it is taken), having looked at those slots for this send's own message.
          if (!resync) seq++
          else if (!clientId) seq = Math.max(seq + 1, (await readChat()).lastSeq + 1)
          else {
            const start = await takeOverFrom(chatId, seq + 1, (await readChat()).lastSeq, actor.userId, clientId)
            if ('original' in start) return { replayOf: start.original }
            seq = start.seq
          }
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
    // The counters and the rendering (from what this send holds: no read for a plain message)
    // go together. The mentions follow the counters: `@all` writes the chat document too,
    // and two updates of one document at once can lose one on the embedded engine.
    const [message] = await Promise.all([
      renderMessage(stored, known),
      bumpChatCounters(chatId, { lastSeq: seq, lastChangeSeq: changeSeq, lastActivityAt: now })
        .then(() => recordMentions(chatId, readChat, seq, actor.userId, mentions)),
    ])
    // Announced in the lock's order but not awaited: local sockets get it at once, and a
    // stalled Redis never holds up the chat or the ack (the bus gives up after its deadline).
    void publishToChat(chatId, { type: 'message.created', chatId, message })
    // Web Push only queues here: recipients are resolved and pushed after the lock (push/deliver.ts).
    queuePush({ chat: access.chat, message, mentionedUserIds: [...mentions.userIds, ...mentions.hereUserIds], everyone: mentions.everyone, sentAt: performance.now() })
    return { message, created: true }
  }
  const { outcome, ownNote } = await withLock(`chat:${chatId}`, async () => {
    // The chat's counters as this instance last knew them; the chat is read when they are
    // unknown, and when a taken slot shows another instance wrote since (`resync`, once).
    // The membership read again, in the command that notes the seq among the sender's own
    // (own-messages.ts): a member removed (on any instance) before this send took the lock
    // cannot store it, whatever this instance remembered.
    const since = sendCacheEpoch()
    const remembered = rememberedCounters(chatId)
    const read = remembered ? null : await findChat(chatId)
    if (!remembered && !read) throw apiError('not_found')
    const counters = read ?? remembered!
    const note = await noteOwnSeq(chatId, actor.userId, counters.lastSeq + 1)
    if (!note.membership) {
      forgetMembership(chatId, actor.userId)
      throw access.chat.type === 'channel' ? apiError('forbidden', 'Join this channel first.') : apiError('not_found')
    }
    if (read) rememberChat(read, since)
    rememberMembership(note.membership, since)
    // The note of the sender's own seq follows where the message went, if anywhere.
    const stored = await storeUnderLock(counters, read).catch(async (error: unknown) => {
      await note.settle(null)
      throw error
    })
    await note.settle('replayOf' in stored ? null : stored.message.seq)
    return { outcome: stored, ownNote: note }
  })
  if ('replayOf' in outcome) return replay(outcome.replayOf, known)
  await ownNote.keepBounded()
  return { message: outcome.message, created: true }
}

/** A repeat answers with the original (the sender's own); files its first writer could not tie are tied now. */
async function replay(original: MessageRecord, known: Known): Promise<{ message: MessageDto, created: boolean }> {
  if (original.clientId) await tieUnsentFiles(original, clientIdKeyId(original.chatId, original.senderId, original.clientId))
  return { message: await renderMessage(original, known), created: false }
}
