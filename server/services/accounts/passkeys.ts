import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server'
import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers'
import type { Types } from 'mongoose'
import type { Passkey } from '#shared/types/api'
import type { RegisterPasskeyInput } from '#shared/schemas/auth'
import { toPasskey } from '../../dto/users'
import { PasskeyChallengeModel, PasskeyModel, type PasskeyChallengeRecord, type PasskeyRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { requireRecentSignIn } from './reauth'

// Passkeys (WebAuthn) through @simplewebauthn/server: registering, listing, renaming and
// removing them, and the challenges of both ceremonies. Signing in with one is in
// ./passkey-login.ts. docs/security.md ("Passkeys") says why each rule;
// tests/api/passkeys.test.ts and tests/e2e/passkeys.spec.ts prove them.

/** How long a challenge (and the browser's prompt) lasts. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60 * 1000
export const MAX_PASSKEYS = 20

export const expiredPasskeyChallenge = () => apiError('invalid_token', 'This passkey request has expired or was already used; try again.')

export type PasskeyCeremony = 'register' | 'login' | 'reauth'

export async function storePasskeyChallenge(challenge: string, purpose: PasskeyCeremony, userId: Types.ObjectId | null): Promise<void> {
  await PasskeyChallengeModel.create({ _id: challenge, purpose, userId, expiresAt: new Date(Date.now() + PASSKEY_CHALLENGE_TTL_MS) })
}

/**
 * Claims the challenge a credential answers (the one in its signed clientDataJSON): the
 * request whose delete removed the document has it, so a challenge is used once, on one
 * instance or several. Throws `invalid_token` for one unknown, used, expired or of the
 * other ceremony.
 */
export async function claimPasskeyChallenge(clientDataJSON: string, purpose: PasskeyCeremony): Promise<PasskeyChallengeRecord> {
  let challenge: string
  try {
    challenge = decodeClientDataJSON(clientDataJSON).challenge
  }
  catch {
    throw expiredPasskeyChallenge()
  }
  if (typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 512) throw expiredPasskeyChallenge()
  const record = await PasskeyChallengeModel.findById(challenge).lean<PasskeyChallengeRecord>().exec()
  if (!record) throw expiredPasskeyChallenge()
  const { deletedCount } = await PasskeyChallengeModel.deleteOne({ _id: challenge }).exec()
  if (deletedCount !== 1 || record.purpose !== purpose || record.expiresAt.getTime() <= Date.now()) throw expiredPasskeyChallenge()
  return record
}

/** A person's passkeys, oldest first: a scan by userId, made only off the hot paths (see the model). */
export async function passkeysOf(userId: Types.ObjectId | string): Promise<PasskeyRecord[]> {
  return PasskeyModel.find({ userId }).sort({ createdAt: 1 }).lean<PasskeyRecord[]>().exec()
}

function refuseGuests(actor: Actor): void {
  if (actor.user.role === 'guest') throw apiError('forbidden', 'Guests cannot add passkeys.')
}

/**
 * Options for navigator.credentials.create(): a discoverable credential (so sign-in needs no
 * username, and the browser can offer it in the username field) that verifies its user
 * (a PIN or biometrics: with the device, two factors), none of the person's passkeys again.
 */
export async function passkeyRegistrationOptions(actor: Actor): Promise<PublicKeyCredentialCreationOptionsJSON> {
  refuseGuests(actor)
  // Asked here too, so the person confirms before the browser's prompt, not after it.
  requireRecentSignIn(actor)
  const existing = await passkeysOf(actor.user._id)
  if (existing.length >= MAX_PASSKEYS) throw apiError('conflict', `An account can have at most ${MAX_PASSKEYS} passkeys.`)
  const { rpId, rpName } = serverConfig().webAuthn
  const options = await generateRegistrationOptions({
    rpName,
    rpID: rpId,
    userName: actor.user.username,
    userDisplayName: actor.user.displayName,
    // The user handle a sign-in answers with: the account's id (no personal data).
    userID: new TextEncoder().encode(actor.userId),
    timeout: PASSKEY_CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: existing.map(passkey => ({ id: passkey._id, transports: passkey.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  })
  await storePasskeyChallenge(options.challenge, 'register', actor.user._id)
  return options
}

/**
 * Verifies the new credential against this person's challenge, this site and origin, and
 * keeps it. Adding and removing a passkey are sensitive changes: they need a recent sign-in.
 */
export async function addPasskey(actor: Actor, input: RegisterPasskeyInput): Promise<Passkey> {
  refuseGuests(actor)
  requireRecentSignIn(actor)
  const challenge = await claimPasskeyChallenge(input.credential.response.clientDataJSON, 'register')
  if (!challenge.userId || String(challenge.userId) !== actor.userId) throw expiredPasskeyChallenge()
  const { rpId, origin } = serverConfig().webAuthn
  const result = await verifyRegistrationResponse({
    response: input.credential as RegistrationResponseJSON,
    expectedChallenge: challenge._id,
    expectedOrigin: origin,
    expectedRPID: rpId,
    requireUserVerification: true,
  }).catch(() => null)
  if (!result?.verified) throw apiError('invalid_credentials', 'The passkey could not be verified.', { statusCode: 403 })
  const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo
  if ((await passkeysOf(actor.user._id)).length >= MAX_PASSKEYS) throw apiError('conflict', `An account can have at most ${MAX_PASSKEYS} passkeys.`)
  try {
    const created = await PasskeyModel.create({
      _id: credential.id,
      userId: actor.user._id,
      name: input.name,
      publicKey: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? input.credential.response.transports ?? [],
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
    })
    return toPasskey(created.toObject() as PasskeyRecord)
  }
  catch (error) {
    // The credential id is the `_id`: one authenticator's passkey is kept once, by one account.
    if (isDuplicateKeyError(error)) throw apiError('conflict', 'This passkey is already added.')
    throw error
  }
}

export async function listPasskeys(actor: Actor): Promise<Passkey[]> {
  return (await passkeysOf(actor.user._id)).map(toPasskey)
}

export async function renamePasskey(actor: Actor, passkeyId: string, name: string): Promise<Passkey> {
  const updated = await PasskeyModel.findOneAndUpdate({ _id: passkeyId, userId: actor.user._id }, { $set: { name } }, { returnDocument: 'after' }).lean<PasskeyRecord>().exec()
  if (!updated) throw apiError('not_found')
  return toPasskey(updated)
}

/** Removes one of the person's passkeys; someone else's is `not_found`, like an unknown one. */
export async function removePasskey(actor: Actor, passkeyId: string): Promise<void> {
  requireRecentSignIn(actor)
  const { deletedCount } = await PasskeyModel.deleteOne({ _id: passkeyId, userId: actor.user._id }).exec()
  if (deletedCount !== 1) throw apiError('not_found')
}

/** Deletes expired challenges (the periodic sweep; expiry is also checked on use). */
export async function sweepPasskeyChallenges(now = new Date()): Promise<number> {
  const { deletedCount } = await PasskeyChallengeModel.deleteMany({ expiresAt: { $lt: now } }).exec()
  return deletedCount ?? 0
}
