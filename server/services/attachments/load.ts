import type { Types } from 'mongoose'
import { AttachmentModel, type AttachmentRecord } from '../../models'

/** Attachment documents by id: one `$in` command, none when there are no ids. */
export async function loadAttachments(ids: (Types.ObjectId | string)[]): Promise<Map<string, AttachmentRecord>> {
  const unique = [...new Set(ids.map(String))]
  if (unique.length === 0) return new Map()
  const docs = await AttachmentModel.find({ _id: { $in: unique } }).lean<AttachmentRecord[]>().exec()
  return new Map(docs.map(doc => [doc._id.toHexString(), doc]))
}
