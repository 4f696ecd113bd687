import { randomUUID } from 'node:crypto'
import type { Types } from 'mongoose'
import type { ValidationIssue } from '#shared/errors'
import { AttachmentModel, ChatFileCounterModel, ChatFileModel, chatFileId, type AttachmentRecord, type MessageRecord } from '../../models'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { resilienceSettings } from '../../utils/resilience'
import { loadAttachments } from './load'

// A send with `attachments` (server/services/messages/send.ts): the ids are resolved with one
// `$in` read, claimed for this send before the message is stored (a second send of the same
// file is refused), then tied to the stored message and listed in the chat's Files panel.

const MAX_ENTRY_ATTEMPTS = 50

function claimIsStale(doc: AttachmentRecord, now: number): boolean {
  return !!doc.claimedAt && now - doc.claimedAt.getTime() > resilienceSettings().clientKeyLeaseMs
}

/** Free to claim: unclaimed, claimed by an earlier try of this very send, or left by a dead send. */
function claimable(doc: AttachmentRecord, sendKey: string | null, now: number): boolean {
  return !doc.claim || (!!sendKey && doc.claim === sendKey) || claimIsStale(doc, now)
}

function refused(issues: ValidationIssue[]): Error {
  return apiError('validation_failed', 'An attachment cannot be sent: it must be your own upload to this chat, not sent yet.', { issues })
}

/** The sender's own uploads to this chat, not sent yet, in the order given; otherwise 400 and nothing stored. */
export async function resolveSendAttachments(senderId: string, chatId: string, ids: string[] | undefined, sendKey: string | null = null): Promise<AttachmentRecord[]> {
  if (!ids?.length) return []
  const found = await loadAttachments(ids)
  const now = Date.now()
  const issues: ValidationIssue[] = []
  const docs = ids.flatMap((id, index) => {
    const doc = found.get(id)
    const usable = !!doc && doc.uploaderId === senderId && doc.chatId === chatId && !doc.messageId && claimable(doc, sendKey, now)
    if (!usable) issues.push({ path: ['attachments', index], message: 'Not your unsent upload to this chat', code: 'custom' })
    return usable ? [doc] : []
  })
  if (issues.length > 0) throw refused(issues)
  return docs
}

export interface AttachmentClaim {
  /** Ties the files to the stored message and lists them in the chat's Files panel. */
  attachTo: (messageId: Types.ObjectId) => Promise<void>
  /** The send did not store: the files may be sent again. */
  release: () => Promise<void>
}

const NO_CLAIM: AttachmentClaim = { attachTo: async () => {}, release: async () => {} }

/**
 * Claims the resolved files for one send (under the chat's lock); another send holding one: 400.
 * A send with a clientId claims them under its clientId key, so its retry may claim them again
 * after a try that ended without knowing whether its message was stored (send.ts).
 */
export async function claimAttachments(chatId: string, senderId: string, docs: AttachmentRecord[], sendKey: string | null = null): Promise<AttachmentClaim> {
  if (docs.length === 0) return NO_CLAIM
  const ids = docs.map(doc => doc._id)
  const claim = sendKey ?? randomUUID()
  const claimedAt = new Date()
  const staleBefore = new Date(claimedAt.getTime() - resilienceSettings().clientKeyLeaseMs)
  const result = await AttachmentModel.updateMany(
    { _id: { $in: ids }, messageId: null, $or: [{ claim: null }, { claim }, { claimedAt: { $lt: staleBefore } }] },
    { $set: { claim, claimedAt } },
  ).exec()
  const release = async () => {
    await AttachmentModel.updateMany({ _id: { $in: ids }, claim }, { $set: { claim: null, claimedAt: null } }).exec()
  }
  if (result.modifiedCount !== ids.length) {
    await release()
    throw refused(ids.map((_, index) => ({ path: ['attachments', index], message: 'Already being sent', code: 'custom' })))
  }
  return {
    release,
    attachTo: async (messageId) => {
      const tied = await AttachmentModel.updateMany({ _id: { $in: ids }, claim }, { $set: { messageId, claim: null, claimedAt: null } }).exec()
      // None tied: a retry of this send found the message first and tied them (tieUnsentFiles).
      if (tied.modifiedCount > 0) await listInChat(chatId, senderId, messageId, ids)
    },
  }
}

/**
 * A repeat of a send found its original: files the first try claimed but could not tie (it
 * ended without knowing its insert had landed) are tied to it now. One `$in` read, nothing more
 * when every file is tied.
 */
export async function tieUnsentFiles(original: MessageRecord, sendKey: string): Promise<void> {
  const ids = original.attachmentIds ?? []
  if (ids.length === 0 || original.deletedAt) return
  const found = await loadAttachments(ids)
  const now = Date.now()
  const loose = ids.filter((id) => {
    const attachment = found.get(id.toHexString())
    return !!attachment && !attachment.messageId && claimable(attachment, sendKey, now)
  })
  if (loose.length === 0) return
  const tied = await AttachmentModel.updateMany({ _id: { $in: loose }, messageId: null }, { $set: { messageId: original._id, claim: null, claimedAt: null } }).exec()
  if (tied.modifiedCount > 0) await listInChat(original.chatId, original.senderId, original._id, loose)
}

/** Appends entries `<chatId>:<n>` for the Files panel (the insert arbitrates n), then moves the counter. */
async function listInChat(chatId: string, senderId: string, messageId: Types.ObjectId, ids: Types.ObjectId[]): Promise<void> {
  let n = ((await ChatFileCounterModel.findById(chatId).lean().exec())?.last ?? 0) + 1
  for (const attachmentId of ids) {
    for (let attempt = 0; ; attempt++, n++) {
      try {
        await ChatFileModel.create({ _id: chatFileId(chatId, n), attachmentId, messageId, senderId })
        break
      }
      catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= MAX_ENTRY_ATTEMPTS) throw error
      }
    }
    n++
  }
  await ChatFileCounterModel.updateOne({ _id: chatId }, { $max: { last: n - 1 } }, { upsert: true }).exec()
}
