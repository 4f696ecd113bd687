import { MembershipModel, membershipId, type MembershipRecord } from '../../models'
import { withLock } from '../../utils/lock'
import { errorName, logger } from '../../utils/logger'
import { findMembership } from '../chats/access'

// The sender's own seqs above their lastReadSeq ride on the membership, so that their own
// messages never count as unread for them (dto/chats.ts, unreadCount). A send notes its seq
// there in the same command that reads the membership under the chat's lock, one
// `findAndModify` instead of a read and a later `$push` (docs/benchmarks.md, "One command
// for the membership"). The seq noted is the one the send is about to take; the rare send
// that stores at another seq, or stores nothing, corrects the note before the chat's lock
// is let go (settle). Until the message is stored the note is above the chat's lastSeq,
// which unreadCount leaves out; only a note the engine failed to correct can later hide
// another's message at that seq from the sender's own unread count.
//
// The engine decodes and rewrites the list on every send: long lists took up to two fifths
// of the embedded engine's work per send (docs/benchmarks.md, "Own messages"). Only a sender
// that never reads (a bot, an integration) grows it, since the app marks what it shows as
// read, own messages included. Past the bound the list is cut to its latest
// OWN_SEQS_AFTER_CUT, so the cut (a read and a rewrite) comes once every 50 sends.
// Every write of a membership goes under its member's lock: on the embedded engine an
// update reads, modifies and writes the document, and two at once can lose one.
const MAX_OWN_SEQS_KEPT = 100
const OWN_SEQS_AFTER_CUT = 50

export interface OwnSeqNote {
  /** The membership as it was before the note: null when the sender is not a member. */
  membership: MembershipRecord | null
  /**
   * Under the chat's lock, once the send is over: the message stored at `storedSeq` (the note
   * follows it there), or none (null: the note goes), so that the chat's next send cannot
   * note the same seq meanwhile. Never throws.
   */
  settle: (storedSeq: number | null) => Promise<void>
  /** After the lock: the list cut back when this note took it past its bound. */
  keepBounded: () => Promise<void>
}

/** Reads the sender's membership and notes `seq` among their own messages, in one command. */
export async function noteOwnSeq(chatId: string, userId: string, seq: number): Promise<OwnSeqNote> {
  const id = membershipId(chatId, userId)
  const lockKey = `member:${chatId}:${userId}`
  // Straight through the driver, values already of their types; no upsert: a removed
  // member's send finds nothing and writes nothing.
  const membership = await withLock(lockKey, () => MembershipModel.collection.findOneAndUpdate(
    { _id: id } as never,
    { $push: { ownSeqsAfterRead: seq } } as never,
    { returnDocument: 'before' },
  )) as MembershipRecord | null
  const pull = () => MembershipModel.updateOne({ _id: id }, { $pull: { ownSeqsAfterRead: seq } }).exec()
  return {
    membership,
    settle: async (storedSeq) => {
      if (!membership || storedSeq === seq) return
      // Never fails the send, whose message is stored or not either way: a note left where it
      // was only counts once a message takes that seq, and only in the sender's unread count.
      await withLock(lockKey, async () => {
        await pull()
        if (storedSeq !== null) await MembershipModel.updateOne({ _id: id }, { $addToSet: { ownSeqsAfterRead: storedSeq } }).exec()
      }).catch((error: unknown) => logger.warn('own message note not settled', { chatId, error: errorName(error) }))
    },
    keepBounded: async () => {
      if (!membership || membership.ownSeqsAfterRead.length + 1 <= MAX_OWN_SEQS_KEPT) return
      await withLock(lockKey, () => cutOwnSeqs(chatId, userId))
    },
  }
}

/** Someone who writes a hundred messages without reading has read up to their older ones. */
async function cutOwnSeqs(chatId: string, userId: string): Promise<void> {
  const membership = await findMembership(chatId, userId)
  if (!membership || membership.ownSeqsAfterRead.length <= MAX_OWN_SEQS_KEPT) return
  const own = [...membership.ownSeqsAfterRead].sort((a, b) => a - b)
  const lastReadSeq = Math.max(membership.lastReadSeq, own[own.length - OWN_SEQS_AFTER_CUT - 1]!)
  await MembershipModel.updateOne({ _id: membershipId(chatId, userId) }, {
    $set: { lastReadSeq, ownSeqsAfterRead: own.filter(ownSeq => ownSeq > lastReadSeq) },
  }).exec()
}
