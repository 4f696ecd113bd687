import type { Types } from 'mongoose'
import { ClientIdKeyModel, MessageModel, insertDocument, loadById, messageIdFor, type MessageRecord } from '../../models'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { logger } from '../../utils/logger'
import { resilienceSettings } from '../../utils/resilience'
import { findMessage } from './store'

// The clientId key `<chat>:<sender>:<clientId>` makes a send idempotent (docs/guarantees.md).
// It points at the slot (the seq, in the message's derived `_id`) where the send's writers
// look for a free place. Why that is enough to store a send at most once:
// - every slot below the chat's lastSeq is taken, and a taken slot is never freed;
// - a writer takes the first free slot from where it starts, checking each taken one for
//   its own message (same sender and clientId) on the way, and points the key at a slot only
//   after seeing every slot below it (from the key) taken by other messages;
// so every writer of one clientId walks the same slots from the key, and whichever inserts
// first wins; the others meet its message on their way. The key is never deleted, however a
// writer ends (a write that timed out may still land), and a retry starts where it points.

/** Taken slots looked at per read when a retry takes a key over (one `$in` each). */
const MAX_SLOTS_PER_READ = 1_000
/** How long a repeat waits for a send that is still being stored before answering 503. */
const REPLAY_WAIT_MS = 2_000

type OwnedMessage = MessageRecord & { senderId: string, clientId: string | null }

export function isOwn(message: MessageRecord | null | undefined, senderId: string, clientId: string): message is OwnedMessage {
  return !!message && message.senderId === senderId && message.clientId === clientId
}

/** The seq a message `_id` stands for (messageIdFor's last four bytes). */
function seqOf(messageId: Types.ObjectId): number {
  return Buffer.from(messageId.id).readUInt32BE(8)
}

interface KeyRef { _id: string, messageId: Types.ObjectId, claimedAt?: Date | null }

/** What a key says: the sender's stored original, nothing yet (claim it), or the slot to take over from. */
export type KeyState = { original: MessageRecord } | { claim: true } | { takeOver: number }

/**
 * Resolves a clientId key. The message where it points is the sender's own: the original.
 * Otherwise its writer is still storing it (wait briefly, then 503 so the client retries),
 * or it gave up or died: released, or claimed longer than the lease ago
 * (NUXT_TIMINGS_CLIENT_KEY_LEASE_MS). Then this send takes over from the key's slot; even if
 * the first writer is alive after all, the walk above keeps it to one message.
 */
export async function resolveClientKey(key: string, senderId: string, clientId: string, waitMs = REPLAY_WAIT_MS, now: () => number = Date.now): Promise<KeyState> {
  const deadline = now() + waitMs
  for (;;) {
    const ref = await loadById<KeyRef>(ClientIdKeyModel, key)
    if (!ref) return { claim: true }
    const message = await findMessage(ref.messageId)
    if (isOwn(message, senderId, clientId)) return { original: message }
    const age = now() - (ref.claimedAt ? new Date(ref.claimedAt).getTime() : 0)
    if (age > resilienceSettings().clientKeyLeaseMs) {
      logger.warn('taking over a clientId key its send left', { chatId: key.split(':')[0], age })
      return { takeOver: seqOf(ref.messageId) }
    }
    if (now() >= deadline) throw apiError('unavailable', 'The original message is still being stored; try again.', { retryAfter: 2 })
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** The sender's stored message where the key points, if any (no wait for one in flight). */
export async function storedOriginal(key: string, senderId: string, clientId: string): Promise<MessageRecord | null> {
  const ref = await loadById<KeyRef>(ClientIdKeyModel, key)
  const message = ref ? await findMessage(ref.messageId) : null
  return isOwn(message, senderId, clientId) ? message : null
}

/**
 * Where a send taking over a key starts: its own message among the taken slots from the
 * key's to the chat's lastSeq (the first writer's write landed after all), or the slot after.
 */
export async function takeOverFrom(chatId: string, fromSeq: number, lastSeq: number, senderId: string, clientId: string): Promise<{ original: MessageRecord } | { seq: number }> {
  for (let from = fromSeq; from <= lastSeq; from += MAX_SLOTS_PER_READ) {
    const to = Math.min(lastSeq, from + MAX_SLOTS_PER_READ - 1)
    const ids = Array.from({ length: to - from + 1 }, (_, index) => messageIdFor(chatId, from + index))
    const taken = await MessageModel.find({ _id: { $in: ids } }).lean<MessageRecord[]>().exec()
    const own = taken.find(message => isOwn(message, senderId, clientId))
    if (own) return { original: own }
  }
  return { seq: Math.max(fromSeq, lastSeq + 1) }
}

/**
 * Claims the key for a send starting at `seq`: created when new, re-dated when taken over.
 * Returns false when another instance created it this instant (its send is in flight).
 */
export async function claimClientKey(key: string, seq: number, chatId: string, claimedAt: Date, takingOver: boolean): Promise<boolean> {
  const messageId = messageIdFor(chatId, seq)
  if (takingOver) {
    await ClientIdKeyModel.updateOne({ _id: key }, { $set: { messageId, claimedAt } }).exec()
    return true
  }
  try {
    await insertDocument(ClientIdKeyModel, { _id: key, messageId, claimedAt })
    return true
  }
  catch (error) {
    if (!isDuplicateKeyError(error)) throw error
    return false
  }
}

/** Points the key at the next slot to try (every slot below it is taken by other messages). */
export async function moveClientKey(key: string, messageId: Types.ObjectId): Promise<void> {
  await ClientIdKeyModel.updateOne({ _id: key }, { $set: { messageId } }).exec()
}

/**
 * A send that ends without its message (an error, too busy) releases its claim, so the
 * client's retry takes over at once instead of after the lease. Best effort: if this write
 * fails too, the lease does it.
 */
export async function releaseClientKey(key: string, claimedAt: Date): Promise<void> {
  await ClientIdKeyModel.updateOne({ _id: key, claimedAt }, { $set: { claimedAt: null } }).exec().catch(() => {})
}
