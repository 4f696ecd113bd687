import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// A signed-in device. The refresh token is `<sessionId>.<secret>`, so refresh and the
// per-request liveness check are `_id` lookups; only hashes of secrets are stored.
const retiredTokenSchema = new Schema({
  hash: { type: String, required: true },
  /** Presenting it until then is a racing tab (accepted); after, a replay (token_reused). */
  graceUntil: { type: Date, required: true },
}, { _id: false })

const sessionSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true },
  /** Hashes of the refresh secrets that may still be used (a few when tabs raced). */
  refreshHashes: { type: [String], default: [] },
  /** Recently rotated secrets, remembered to tell a racing tab from a replay. */
  retiredHashes: { type: [retiredTokenSchema], default: [] },
  userAgent: { type: String, default: null },
  lastUsedAt: { type: Date, required: true },
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
