import mongoose, { Schema, type InferSchemaType } from 'mongoose'
import { signInMethodSchema } from '#shared/schemas/dto'

// A signed-in device. The refresh token is `<sessionId>.<secret>`, so refresh and the
// per-request liveness check are `_id` lookups; only hashes of secrets are stored, each in
// a document of its own (below).
const sessionSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true },
  userAgent: { type: String, default: null },
  /** Parsed from the User-Agent at sign-in (bowser): "Chrome 131", "Linux"; null when unknown. */
  browser: { type: String, default: null },
  os: { type: String, default: null },
  /** The client address at sign-in, as seen behind NUXT_TRUST_PROXY's proxies. */
  ip: { type: String, default: null },
  /** How it signed in: password, password+2fa, passkey or guest (null: before this was kept). */
  method: { type: String, enum: [...signInMethodSchema.options, null], default: null },
  lastUsedAt: { type: Date, required: true },
  /**
   * When the person last proved who they are on this session: the sign-in, or a later
   * re-authentication (services/accounts/reauth.ts). A refresh never moves it. Null: a
   * session from before this was kept, whose sign-in is `createdAt`.
   */
  authenticatedAt: { type: Date, default: null },
  expiresAt: { type: Date, required: true },
  revokedAt: { type: Date, default: null },
  revokedReason: { type: String, default: null },
}, { timestamps: { createdAt: true, updatedAt: false }, versionKey: false })

// Real MongoDB: a user's session list, and the sweep of expired sessions.
sessionSchema.index({ userId: 1, createdAt: -1 })
sessionSchema.index({ expiresAt: 1 })

export type SessionFields = InferSchemaType<typeof sessionSchema>
export type SessionRecord = SessionFields & { _id: mongoose.Types.ObjectId, createdAt: Date }

// Dev HMR re-imports this file: replace the model rather than fail on a redefinition.
if (mongoose.models.Session) mongoose.deleteModel('Session')
export const SessionModel = mongoose.model('Session', sessionSchema)

// One refresh secret, by its hash. A rotation inserts the next secret and marks the one
// presented as retired: two instances rotating one session at once each add their own
// document, so neither tab's new token is lost (no read-modify-write of a shared list).
const refreshTokenSchema = new Schema({
  /** SHA-256 of the secret. */
  _id: { type: String, required: true },
  sessionId: { type: Schema.Types.ObjectId, required: true },
  /** Presenting a retired secret until then is a racing tab (accepted); after, a replay (token_reused). */
  graceUntil: { type: Date, default: null },
  /** The session's own expiry: the sweep deletes the secret then. */
  expiresAt: { type: Date, required: true },
}, { versionKey: false })

// Real MongoDB: the sweep of expired secrets and of a deleted account's.
refreshTokenSchema.index({ expiresAt: 1 })
refreshTokenSchema.index({ sessionId: 1 })

export type RefreshTokenRecord = InferSchemaType<typeof refreshTokenSchema>

if (mongoose.models.RefreshToken) mongoose.deleteModel('RefreshToken')
export const RefreshTokenModel = mongoose.model('RefreshToken', refreshTokenSchema, 'refreshtokens')

// The browser families (browser and OS names, no versions) an account has signed in from:
// one document per account, by `_id`, so a sign-in reads and writes it by key. A sign-in
// from a family not listed is mailed ("New sign-in to your Parley account").
const knownBrowsersSchema = new Schema({
  /** The user id. */
  _id: { type: Schema.Types.ObjectId, required: true },
  families: { type: [String], default: [] },
}, { versionKey: false })

export type KnownBrowsersRecord = InferSchemaType<typeof knownBrowsersSchema>

if (mongoose.models.KnownBrowsers) mongoose.deleteModel('KnownBrowsers')
export const KnownBrowsersModel = mongoose.model('KnownBrowsers', knownBrowsersSchema, 'knownbrowsers')
