import { createHash } from 'node:crypto'
import mongoose, { Schema, Types, type InferSchemaType } from 'mongoose'

const reactionSchema = new Schema({
  emoji: { type: String, required: true },
  userIds: { type: [String], default: [] },
}, { _id: false })

const messageSchema = new Schema({
  _id: { type: Schema.Types.ObjectId, required: true },
  chatId: { type: String, required: true },
  seq: { type: Number, required: true },
  changeSeq: { type: Number, required: true },
  senderId: { type: String, required: true },
  content: { type: String, default: '' },
  /** The text without its Markdown, when that differs (shared/markdown.ts searchableText); search matches both. Never in a DTO. */
  searchText: { type: String, default: null },
  clientId: { type: String, default: null },
  replyToId: { type: Schema.Types.ObjectId, default: null },
  /** Ids of the members the text named (and the author replied to) when it was sent, and whether it addressed the whole chat. */
  mentions: { type: [String], default: [] },
  mentionsAll: { type: Boolean, default: false },
  reactions: { type: [reactionSchema], default: [] },
  /** The files sent with it, in order (docs/attachments.md); emptied when it is deleted. */
  attachmentIds: { type: [Schema.Types.ObjectId], default: [] },
  editedAt: { type: Date, default: null },
  deletedAt: { type: Date, default: null },
  createdAt: { type: Date, required: true },
}, { versionKey: false })
// One message per (chat, seq): the derived `_id` enforces it on both engines; real MongoDB
// also gets the compound index, plus the ones its search and change queries would use.
messageSchema.index({ chatId: 1, seq: 1 }, { unique: true })
messageSchema.index({ chatId: 1, changeSeq: 1 })
messageSchema.index({ chatId: 1, createdAt: -1 })

export type MessageFields = InferSchemaType<typeof messageSchema>
export type MessageRecord = MessageFields & { _id: Types.ObjectId }
export const MessageModel = (mongoose.models.Message as mongoose.Model<MessageFields>) || mongoose.model('Message', messageSchema)

const changeKeySchema = new Schema({
  _id: { type: String, required: true },
  messageId: { type: Schema.Types.ObjectId, required: true },
}, { versionKey: false })

/** `<chatId>:<changeSeq>` → the message that change touched; its insert arbitrates the changeSeq. */
export const MessageChangeModel = (mongoose.models.MessageChange as mongoose.Model<InferSchemaType<typeof changeKeySchema>>) || mongoose.model('MessageChange', changeKeySchema, 'messagechanges')

const clientIdKeySchema = new Schema({
  _id: { type: String, required: true },
  messageId: { type: Schema.Types.ObjectId, required: true },
  /** When the send claimed it: a key whose message is still missing a lease later was left by a dead writer. */
  claimedAt: { type: Date, default: null },
}, { versionKey: false })

/** `<chatId>:<senderId>:<clientId>` → the message; its insert makes a send idempotent everywhere. */
export const ClientIdKeyModel = (mongoose.models.ClientIdKey as mongoose.Model<InferSchemaType<typeof clientIdKeySchema>>) || mongoose.model('ClientIdKey', clientIdKeySchema, 'clientidkeys')

export function changeKeyId(chatId: string, changeSeq: number): string {
  return `${chatId}:${changeSeq}`
}

export function clientIdKeyId(chatId: string, senderId: string, clientId: string): string {
  return `${chatId}:${senderId}:${clientId}`
}

const chatPrefixes = new Map<string, Buffer>()

/**
 * The id of message `seq` in chat `chatId`: 8 bytes derived from the chat id, then the seq
 * as 4 big-endian bytes. A page of history is then a computed list of ids fetched by `_id`,
 * and the `_id`'s uniqueness arbitrates each seq between instances.
 */
export function messageIdFor(chatId: string, seq: number): Types.ObjectId {
  let prefix = chatPrefixes.get(chatId)
  if (!prefix) {
    prefix = createHash('sha256').update(`parley-chat:${chatId}`).digest().subarray(0, 8)
    if (chatPrefixes.size > 50_000) chatPrefixes.clear()
    chatPrefixes.set(chatId, prefix)
  }
  const bytes = Buffer.alloc(12)
  prefix.copy(bytes, 0)
  bytes.writeUInt32BE(seq, 8)
  return new Types.ObjectId(bytes)
}
