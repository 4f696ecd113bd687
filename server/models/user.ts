import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose'
import { userRoleSchema } from '#shared/schemas/dto'

// A person's account. Public id: the ObjectId `_id`. Uniqueness of usernames and emails
// (case-insensitive) is arbitrated by UserKey documents (`username:<lower>`,
// `email:<lower>`), whose `_id` lookups also serve login on the embedded engine.
const userSchema = new Schema({
  username: { type: String, required: true },
  /** `username` lower-cased: the case-insensitive identity. */
  usernameLower: { type: String, required: true },
  displayName: { type: String, required: true },
  role: { type: String, enum: userRoleSchema.options, required: true, default: 'user' },
  /** Guests have none: they cannot log in again. */
  passwordHash: { type: String, default: null },
  email: { type: String, default: null },
  emailLower: { type: String, default: null },
  emailVerified: { type: Boolean, default: false },
  country: { type: String, default: null },
  age: { type: Number, default: null },
  bio: { type: String, default: null },
  banned: { type: Boolean, default: false },
  /** A confirmed TOTP secret exists (server/models/two-factor.ts): sign-in asks for a code. */
  twoFactorEnabled: { type: Boolean, default: false },
  /** Persisted by the realtime hub when the user's last socket closes. */
  lastSeenAt: { type: Date, default: null },
  /** When the last verification mail was sent (resends: at most one per 60 s). */
  verificationSentAt: { type: Date, default: null },
}, { timestamps: true, versionKey: false })

// Real MongoDB: the directory and the admin list page through users in username order
// (prefix matches on usernameLower use this index too). Email uniqueness is kept by the
// `email:<lower>` key documents, on both engines.
userSchema.index({ usernameLower: 1 }, { unique: true })

export type UserFields = InferSchemaType<typeof userSchema>
export type UserDocument = HydratedDocument<UserFields>
export type UserRecord = UserFields & { _id: mongoose.Types.ObjectId }

// Dev HMR re-imports this file: replace the model rather than fail on a redefinition.
if (mongoose.models.User) mongoose.deleteModel('User')
export const UserModel = mongoose.model('User', userSchema)

/**
 * Key documents: `_id` is `username:<lower>` or `email:<lower>`. Inserting one is the
 * race-free uniqueness check on both engines (two registrations for one name in any
 * letter case: one insert wins, the other gets a duplicate key), and login resolves a
 * name or email to a user with one `_id` lookup.
 */
const userKeySchema = new Schema({
  _id: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
}, { versionKey: false, timestamps: { createdAt: true, updatedAt: false } })
userKeySchema.index({ userId: 1 })

// Dev HMR re-imports this file: replace the model rather than fail on a redefinition.
if (mongoose.models.UserKey) mongoose.deleteModel('UserKey')
export const UserKeyModel = mongoose.model('UserKey', userKeySchema)

export function usernameKey(username: string): string {
  return `username:${username.toLowerCase()}`
}

export function emailKey(email: string): string {
  return `email:${email.toLowerCase()}`
}
