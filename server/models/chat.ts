import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { notificationLevelSchema } from '#shared/schemas/chats'
import { chatTypeSchema, memberRoleValueSchema } from '#shared/schemas/dto'

// Chats, memberships and the per-user chat list. Every hot path reaches these by `_id`
// (docs/api-realtime.md, "Keys"): a membership's `_id` is `<chatId>:<userId>`, the
// per-user list's `_id` is the user id.

const deletionSchema = new Schema({ seq: { type: Number, required: true }, senderId: { type: String, required: true } }, { _id: false })

const chatSchema = new Schema({
  type: { type: String, enum: chatTypeSchema.options, required: true },
  name: { type: String, default: null },
  /** Lower-cased channel name, for the directory search (uniqueness lives in a key document). */
  nameKey: { type: String, default: null },
  /** Channels: the name as the directory's search compares it (channelSearchKey: no case, no accents). */
  searchKey: { type: String, default: null },
  topic: { type: String, default: null },
  /** Channels: the topic as the directory's search compares it (channelSearchKey). */
  topicKey: { type: String, default: null },
  createdBy: { type: String, required: true },
  memberCount: { type: Number, default: 0 },
  /** Direct and group chats only (at most 256): who is in it, for `members` and deletion. */
  memberIds: { type: [String], default: undefined },
  lastSeq: { type: Number, default: 0 },
  lastChangeSeq: { type: Number, default: 0 },
  lastActivityAt: { type: Date, required: true },
  /** The latest deletions of others' messages (seq, sender), to derive unread counts at read time. */
  recentDeletions: { type: [deletionSchema], default: [] },
  /** The latest `@all` mentions (seq, sender), to derive mention counts at read time (`@here` names who was online). */
  recentChatWideMentions: { type: [deletionSchema], default: [] },
}, { timestamps: true })
// The channel directory lists channels by name; real MongoDB answers it from this index.
chatSchema.index({ type: 1, nameKey: 1 })

export type ChatRecord = InferSchemaType<typeof chatSchema> & { _id: mongoose.Types.ObjectId }
export const ChatModel = (mongoose.models.Chat as mongoose.Model<ChatRecord>) || mongoose.model('Chat', chatSchema)

const membershipSchema = new Schema({
  _id: { type: String, required: true },
  chatId: { type: String, required: true },
  userId: { type: String, required: true },
  role: { type: String, enum: memberRoleValueSchema.options, required: true },
  lastReadSeq: { type: Number, default: 0 },
  /** The chat's lastSeq when the member joined it, where lastReadSeq starts: up to it nothing was read (see toMember). */
  joinedAtSeq: { type: Number, default: 0 },
  /** Seqs of the member's own messages above lastReadSeq (they never count as unread). */
  ownSeqsAfterRead: { type: [Number], default: [] },
  /** Seqs of messages that name this member, kept above lastReadSeq (docs/messages.md, "Mentions"). */
  mentionSeqs: { type: [Number], default: [] },
  /** What notifies: 'all', 'mentions' or 'none' (muted); null is the chat type's default. */
  notify: { type: String, enum: [...notificationLevelSchema.options, null], default: null },
  /** Muted for a while (1 or 8 hours): no notification before this time. */
  mutedUntil: { type: Date, default: null },
  joinedAt: { type: Date, required: true },
}, { versionKey: false })
// The `_id` already makes (chat, user) unique; these serve the member list and hand-over on MongoDB.
membershipSchema.index({ chatId: 1, userId: 1 }, { unique: true })
membershipSchema.index({ chatId: 1, joinedAt: 1 })

export type MembershipRecord = InferSchemaType<typeof membershipSchema>
export const MembershipModel = (mongoose.models.Membership as mongoose.Model<MembershipRecord>) || mongoose.model('Membership', membershipSchema)

export function membershipId(chatId: string, userId: string): string {
  return `${chatId}:${userId}`
}

// The per-user chat list is an append-only log plus a snapshot, so that two instances
// changing one user's list at the same instant both count on either engine (FerretDB's
// `$addToSet`/`$pull` are read-then-write): each change inserts the next numbered entry,
// whose `_id` arbitrates; the snapshot folds the entries up to `through`.

const userChatsSchema = new Schema({
  _id: { type: String, required: true },
  chatIds: { type: [String], default: [] },
  /** The last entry folded into `chatIds` (entries after it are read and folded on use). */
  through: { type: Number, default: 0 },
}, { versionKey: false })

export type UserChatsRecord = InferSchemaType<typeof userChatsSchema>
/** The folded snapshot of one user's chat list, fetched by `_id` = user id (the chat list and `ready`). */
export const UserChatsModel = (mongoose.models.UserChats as mongoose.Model<UserChatsRecord>) || mongoose.model('UserChats', userChatsSchema, 'userchats')

const userChatEntrySchema = new Schema({
  _id: { type: String, required: true },
  op: { type: String, enum: ['add', 'remove'], required: true },
  chatId: { type: String, required: true },
  at: { type: Date, required: true },
}, { versionKey: false })

export type UserChatEntryRecord = InferSchemaType<typeof userChatEntrySchema>
/** `<userId>:<n>`: the n-th change of a user's chat list; only ever read by `_id`, so no other index. */
export const UserChatEntryModel = (mongoose.models.UserChatEntry as mongoose.Model<UserChatEntryRecord>) || mongoose.model('UserChatEntry', userChatEntrySchema, 'userchatentries')

export function userChatEntryId(userId: string, n: number): string {
  return `${userId}:${n}`
}

const chatKeySchema = new Schema({
  _id: { type: String, required: true },
  chatId: { type: String, required: true },
}, { versionKey: false, timestamps: { createdAt: true, updatedAt: false } })

/**
 * Uniqueness arbiters whose insert wins or fails on both engines and across instances:
 * `channel:<lower-case name>` and `direct:<smaller user id>:<larger user id>`.
 */
export const ChatKeyModel = (mongoose.models.ChatKey as mongoose.Model<InferSchemaType<typeof chatKeySchema>>) || mongoose.model('ChatKey', chatKeySchema, 'chatkeys')
