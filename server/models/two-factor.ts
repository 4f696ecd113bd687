import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Two-factor sign-in (docs/security.md). Every read is by `_id`, as the embedded engine's
// rules ask (docs/database.md).

/** A person's TOTP state; `_id` is the user id. */
const twoFactorSchema = new Schema({
  _id: { type: String, required: true },
  /** The confirmed secret (base32); null until the first code confirms `pendingSecret`. */
  secret: { type: String, default: null },
  pendingSecret: { type: String, default: null },
  /** SHA-256 of each unused recovery code (random, 50 bits each: a plain hash is enough). */
  recoveryCodes: { type: [String], default: [] },
  enabledAt: { type: Date, default: null },
}, { versionKey: false, timestamps: true })

/** The password step of a two-factor sign-in; `_id` is the SHA-256 of the challenge token. */
const loginChallengeSchema = new Schema({
  _id: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  /** Wrong codes so far: the fifth ends the challenge. */
  failures: { type: Number, default: 0 },
  expiresAt: { type: Date, required: true },
}, { versionKey: false, timestamps: { createdAt: true, updatedAt: false } })

/**
 * A code or challenge that has been used: `totp:<user>:<step>`, `recovery:<user>:<hash>`,
 * `challenge:<hash>`. Inserting one is the race-free "accepted once" on both engines (two
 * sign-ins with one code, on one instance or two: one insert wins).
 */
const spentKeySchema = new Schema({
  _id: { type: String, required: true },
}, { versionKey: false, timestamps: { createdAt: true, updatedAt: false } })

export type TwoFactorFields = InferSchemaType<typeof twoFactorSchema>
export type TwoFactorRecord = TwoFactorFields & { _id: string }
export type LoginChallengeRecord = InferSchemaType<typeof loginChallengeSchema> & { _id: string }

// Dev HMR re-imports this file: replace the models rather than fail on a redefinition.
for (const name of ['TwoFactor', 'LoginChallenge', 'SpentKey']) if (mongoose.models[name]) mongoose.deleteModel(name)
export const TwoFactorModel = mongoose.model('TwoFactor', twoFactorSchema)
export const LoginChallengeModel = mongoose.model('LoginChallenge', loginChallengeSchema)
export const SpentKeyModel = mongoose.model('SpentKey', spentKeySchema)
