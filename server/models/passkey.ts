import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Passkeys (WebAuthn; docs/security.md, "Passkeys"). Sign-in finds a passkey by its
// credential id, the `_id`, the one lookup the embedded engine indexes (docs/database.md).

/** A registered passkey; `_id` is the credential id (base64url) the authenticator answers with. */
const passkeySchema = new Schema({
  _id: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  /** The person's name for it ("Phone", "YubiKey"). */
  name: { type: String, required: true },
  /** The COSE public key the authenticator made at registration, base64url (a string reads back alike from lean documents on both engines). */
  publicKey: { type: String, required: true },
  /** The signature counter last seen (0 for authenticators that keep none, as synced passkeys do). */
  counter: { type: Number, required: true, default: 0 },
  transports: { type: [String], default: [] },
  /** `multiDevice` for a synced passkey, `singleDevice` for one bound to its authenticator. */
  deviceType: { type: String, default: null },
  backedUp: { type: Boolean, default: false },
  lastUsedAt: { type: Date, default: null },
}, { versionKey: false, timestamps: true })
// A person's passkeys are listed only in the settings, when adding one and when the account
// is deleted: a scan on the embedded engine (a handful of documents per person who has any),
// this index on real MongoDB. Sign-in never lists them.
passkeySchema.index({ userId: 1 })

/**
 * A WebAuthn challenge the server handed out; `_id` is the challenge itself (base64url, 32
 * random bytes; not a secret: only the authenticator's signature over it proves anything).
 * Deleting it is the claim: a ceremony is accepted only by the request whose delete removed
 * the document, so each challenge works once, on one instance or several.
 */
const passkeyChallengeSchema = new Schema({
  _id: { type: String, required: true },
  purpose: { type: String, enum: ['register', 'login', 'reauth'], required: true },
  /** Who is adding a passkey or re-authenticating; null for a sign-in. */
  userId: { type: Schema.Types.ObjectId, default: null },
  expiresAt: { type: Date, required: true },
}, { versionKey: false, timestamps: { createdAt: true, updatedAt: false } })

export type PasskeyRecord = InferSchemaType<typeof passkeySchema> & { _id: string, createdAt: Date, updatedAt: Date }
export type PasskeyChallengeRecord = InferSchemaType<typeof passkeyChallengeSchema> & { _id: string }

// Dev HMR re-imports this file: replace the models rather than fail on a redefinition.
for (const name of ['Passkey', 'PasskeyChallenge']) if (mongoose.models[name]) mongoose.deleteModel(name)
export const PasskeyModel = mongoose.model('Passkey', passkeySchema)
export const PasskeyChallengeModel = mongoose.model('PasskeyChallenge', passkeyChallengeSchema)
