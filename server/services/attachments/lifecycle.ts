import type { Types } from 'mongoose'
import { AttachmentModel, ChatFileCounterModel, ChatFileModel, thumbnailKey, type AttachmentRecord } from '../../models'
import { serverConfig } from '../../utils/config'
import { storageNamed, type StoredObject } from './storage'

// Files leave with what carried them (docs/attachments.md, "Lifecycle"): a deleted message
// takes its files, a deleted chat all of its files, and an upload not sent within
// NUXT_TIMINGS_ATTACHMENT_TTL_MS is swept. An account's deletion keeps its messages, and so
// their files; its unsent uploads go with the sweep.

const SWEEP_BATCH = 200

function objectsOf(doc: AttachmentRecord): StoredObject[] {
  const objects = [{ key: doc._id.toHexString(), size: doc.size }]
  if (doc.thumbnailSize) objects.push({ key: thumbnailKey(doc._id), size: doc.thumbnailSize })
  return objects
}

/** Removes the bytes, then the documents (a failure leaves the document for the next try). */
export async function removeAttachments(docs: AttachmentRecord[]): Promise<void> {
  if (docs.length === 0) return
  for (const name of new Set(docs.map(doc => doc.storage))) {
    await storageNamed(name).remove(docs.filter(doc => doc.storage === name).flatMap(objectsOf))
  }
  await AttachmentModel.deleteMany({ _id: { $in: docs.map(doc => doc._id) } }).exec()
}

export async function removeAttachmentsById(ids: Types.ObjectId[]): Promise<void> {
  if (ids.length === 0) return
  await removeAttachments(await AttachmentModel.find({ _id: { $in: ids } }).lean<AttachmentRecord[]>().exec())
}

/** A deleted chat's files (a scan by chatId: deletion is rare and runs in the background). */
export async function removeChatAttachments(chatId: string): Promise<void> {
  for (;;) {
    const docs = await AttachmentModel.find({ chatId }).limit(SWEEP_BATCH).lean<AttachmentRecord[]>().exec()
    await removeAttachments(docs)
    if (docs.length < SWEEP_BATCH) break
  }
  await ChatFileModel.deleteMany({ _id: new RegExp(`^${chatId}:`) }).exec()
  await ChatFileCounterModel.deleteOne({ _id: chatId }).exec()
}

/** Uploads never sent within the TTL (a background scan, like the other sweeps). */
export async function sweepUnsentAttachments(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - serverConfig().timings.attachmentTtlMs)
  let removed = 0
  for (;;) {
    const docs = await AttachmentModel.find({ messageId: null, createdAt: { $lt: before } }).limit(SWEEP_BATCH).lean<AttachmentRecord[]>().exec()
    await removeAttachments(docs)
    removed += docs.length
    if (docs.length < SWEEP_BATCH) return removed
  }
}
