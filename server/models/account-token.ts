import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Single-use tokens sent by mail (email verification, password reset). `_id` is the
// SHA-256 of the token, so redeeming one is an `_id` lookup and the token itself is
// never stored.
const accountTokenSchema = new Schema({
  _id: { type: String, required: true },
  purpose: { type: String, enum: ['verify-email', 'reset-password'], required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  /** The address a verification link confirms (the account's email may change meanwhile). */
  email: { type: String, default: null },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date, default: null },
}, { timestamps: { createdAt: true, updatedAt: false }, versionKey: false })

accountTokenSchema.index({ userId: 1, purpose: 1 })
accountTokenSchema.index({ expiresAt: 1 })

export type AccountTokenFields = InferSchemaType<typeof accountTokenSchema>

// Dev HMR re-imports this file: replace the model rather than fail on a redefinition.
if (mongoose.models.AccountToken) mongoose.deleteModel('AccountToken')
export const AccountTokenModel = mongoose.model('AccountToken', accountTokenSchema)
