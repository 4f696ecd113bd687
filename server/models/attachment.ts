import type { Types, InferSchemaType } from 'mongoose'
import mongoose, { Schema } from 'mongoose'
import { attachmentKindSchema } from '#shared/schemas/dto'

// Attachments (docs/attachments.md). Every read is by `_id` (equality or `$in`): an
// attachment by its id, its bytes as chunk documents `<storageKey>:<n>`, a chat's Files
// panel as numbered entries `<chatId>:<n>` under a per-chat counter, and a person's
// upload quota as `<userId>:<UTC day>`.

const attachmentSchema = new Schema({
  _id: { type: Schema.Types.ObjectId, required: true },
  chatId: { type: String, required: true },
  uploaderId: { type: String, required: true },
  name: { type: String, required: true },
  /** Bytes stored under `_id` (images: the copy without metadata). */
  size: { type: Number, required: true },
  /** The MIME type detected from the bytes. */
  type: { type: String, required: true },
  kind: { type: String, enum: attachmentKindSchema.options, required: true },
  width: { type: Number, default: null },
  height: { type: Number, default: null },
  /** Bytes of the WebP thumbnail stored under `<id>-thumb` (images only). */
  thumbnailSize: { type: Number, default: null },
  /** Where the bytes are: `database` (chunk documents) or `s3`. */
  storage: { type: String, enum: ['database', 's3'], required: true },
  /** A send that is attaching it right now (its token): a second send is refused. */
  claim: { type: String, default: null },
  /** When that send claimed it: a claim older than the clientId lease was left by a send that died. */
  claimedAt: { type: Date, default: null },
  /** The message that carried it; null while it waits to be sent (the sweep removes it after an hour). */
  messageId: { type: Schema.Types.ObjectId, default: null },
  createdAt: { type: Date, required: true },
}, { versionKey: false })
// The sweep of unsent uploads and a chat's deletion query these; real MongoDB answers from them.
attachmentSchema.index({ messageId: 1, createdAt: 1 })
attachmentSchema.index({ chatId: 1 })

export type AttachmentFields = InferSchemaType<typeof attachmentSchema>
export type AttachmentRecord = AttachmentFields & { _id: Types.ObjectId }
export const AttachmentModel = (mongoose.models.Attachment as mongoose.Model<AttachmentFields>) || mongoose.model('Attachment', attachmentSchema)

const chunkSchema = new Schema({
  _id: { type: String, required: true },
  data: { type: Buffer, required: true },
}, { versionKey: false })

/** `<storageKey>:<n>` → the n-th slice of a stored file (database storage). */
export const AttachmentChunkModel = (mongoose.models.AttachmentChunk as mongoose.Model<InferSchemaType<typeof chunkSchema>>) || mongoose.model('AttachmentChunk', chunkSchema, 'attachmentchunks')

const chatFileSchema = new Schema({
  _id: { type: String, required: true },
  attachmentId: { type: Schema.Types.ObjectId, required: true },
  messageId: { type: Schema.Types.ObjectId, required: true },
  senderId: { type: String, required: true },
}, { versionKey: false })

/** `<chatId>:<n>` → the n-th file sent in the chat (the Files panel); its insert arbitrates n. */
export const ChatFileModel = (mongoose.models.ChatFile as mongoose.Model<InferSchemaType<typeof chatFileSchema>>) || mongoose.model('ChatFile', chatFileSchema, 'chatfiles')

const chatFileCounterSchema = new Schema({
  _id: { type: String, required: true },
  last: { type: Number, default: 0 },
}, { versionKey: false })

/** `<chatId>` → the highest Files panel entry number (moved with $max). */
export const ChatFileCounterModel = (mongoose.models.ChatFileCounter as mongoose.Model<InferSchemaType<typeof chatFileCounterSchema>>) || mongoose.model('ChatFileCounter', chatFileCounterSchema, 'chatfilecounters')

const uploadQuotaSchema = new Schema({
  _id: { type: String, required: true },
  bytes: { type: Number, default: 0 },
  expiresAt: { type: Date, required: true },
}, { versionKey: false })

/** `<userId>:<YYYY-MM-DD>` → bytes uploaded that UTC day. */
export const UploadQuotaModel = (mongoose.models.UploadQuota as mongoose.Model<InferSchemaType<typeof uploadQuotaSchema>>) || mongoose.model('UploadQuota', uploadQuotaSchema, 'uploadquotas')

export function chatFileId(chatId: string, n: number): string {
  return `${chatId}:${n}`
}

export function thumbnailKey(attachmentId: Types.ObjectId | string): string {
  return `${String(attachmentId)}-thumb`
}
