import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server'
import { isoBase64URL } from '@simplewebauthn/server/helpers'
import type { PasskeyLoginInput } from '#shared/schemas/auth'
import { PasskeyModel, UserModel, type PasskeyChallengeRecord, type PasskeyRecord, type UserRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { enforceLimit } from '../../utils/rate-limit'
import { withLock } from '../../utils/lock'
import type { RequestOrigin, SignedIn } from './accounts'
import { accountLimiters } from './limits'
import { claimPasskeyChallenge, PASSKEY_CHALLENGE_TTL_MS, passkeysOf, storePasskeyChallenge } from './passkeys'
import { markReauthenticated } from './reauth'
import { signIn } from './sessions'

// Signing in with a passkey (docs/security.md, "Passkeys"): no username, no password, no
// second factor (the passkey is something held, verified with a PIN or biometrics); and
// re-authenticating with one before a sensitive change.

/**
 * Every refusal after the challenge is this one answer: an unknown passkey, a wrong
 * signature, origin or user handle, a counter gone backwards, and a passkey whose account
 * is banned or deleted cannot be told apart (like a wrong password).
 */
const refused = () => apiError('invalid_credentials', 'That passkey was not accepted.')

/**
 * Options for navigator.credentials.get() with no allowCredentials: any passkey of this
 * site may answer, which is what lets the browser offer them in the username field
 * (conditional UI). Each is a stored challenge, so an IP address may ask for a bounded
 * number per hour (NUXT_LIMITS_PASSKEY_CHALLENGES_PER_IP).
 */
export async function passkeyLoginOptions(origin: RequestOrigin): Promise<PublicKeyCredentialRequestOptionsJSON> {
  await enforceLimit(accountLimiters().passkeyChallenges, origin.ip)
  const options = await generateAuthenticationOptions({
    rpID: serverConfig().webAuthn.rpId,
    userVerification: 'required',
    timeout: PASSKEY_CHALLENGE_TTL_MS,
  })
  await storePasskeyChallenge(options.challenge, 'login', null)
  return options
}

/** The user handle the credential answered with is the account the passkey was added to. */
function userHandleMatches(handle: string | undefined, user: UserRecord): boolean {
  if (!handle) return false
  try {
    return isoBase64URL.toUTF8String(handle) === String(user._id)
  }
  catch {
    return false
  }
}

/**
 * Checks a passkey's answer to a claimed challenge: the passkey exists, its account exists
 * and is not banned, the user handle is that account's, the signature verifies over this
 * site's origin and RP id, the user was verified, and the signature counter grew (unless
 * the authenticator keeps none). Updates the counter and last use; null on any refusal.
 */
async function verifiedOwner(credential: AuthenticationResponseJSON, challenge: PasskeyChallengeRecord): Promise<UserRecord | null> {
  return withLock(`passkey:${credential.id}`, async () => {
    const passkey = await PasskeyModel.findById(credential.id).lean<PasskeyRecord>().exec()
    const owner = passkey && await UserModel.findById(passkey.userId).lean<UserRecord>().exec()
    if (!passkey || !owner || owner.banned || !userHandleMatches(credential.response.userHandle, owner)) return null
    if (challenge.userId && String(challenge.userId) !== String(owner._id)) return null
    const { rpId, origin: expectedOrigin } = serverConfig().webAuthn
    const result = await verifyAuthenticationResponse({
      response: credential,
      expectedChallenge: challenge._id,
      expectedOrigin,
      expectedRPID: rpId,
      credential: { id: passkey._id, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: passkey.counter, transports: passkey.transports },
      requireUserVerification: true,
    }).catch(() => null)
    if (!result?.verified) return null
    await PasskeyModel.updateOne({ _id: passkey._id }, { $set: { counter: result.authenticationInfo.newCounter, lastUsedAt: new Date() } }).exec()
    return owner
  })
}

/**
 * Signs in with the method `passkey`. Failures count against the IP address's
 * failed-login limit, not the account's: nobody guesses a passkey, and a stranger's
 * failures must not lock its owner out.
 */
export async function signInWithPasskey(input: PasskeyLoginInput, origin: RequestOrigin): Promise<SignedIn> {
  const { ipFailures } = accountLimiters()
  await enforceLimit(ipFailures, origin.ip, { points: 0 })
  const credential = input.credential as AuthenticationResponseJSON
  const challenge = await claimPasskeyChallenge(credential.response.clientDataJSON, 'login')
  const user = await verifiedOwner(credential, challenge)
  if (!user) {
    await ipFailures.consume(origin.ip)
    throw refused()
  }
  return signIn(user, origin, 'passkey')
}

/**
 * Re-authentication with a passkey (docs/security.md, "Re-authentication"): options that
 * name only this person's passkeys, so the browser offers no one else's.
 */
export async function passkeyReauthOptions(actor: Actor): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = await passkeysOf(actor.user._id)
  if (passkeys.length === 0) throw apiError('conflict', 'This account has no passkey.')
  const options = await generateAuthenticationOptions({
    rpID: serverConfig().webAuthn.rpId,
    userVerification: 'required',
    timeout: PASSKEY_CHALLENGE_TTL_MS,
    allowCredentials: passkeys.map(passkey => ({ id: passkey._id, transports: passkey.transports })),
  })
  await storePasskeyChallenge(options.challenge, 'reauth', actor.user._id)
  return options
}

/** One of the person's own passkeys proves it is them: sensitive changes work for another window. */
export async function reauthenticateWithPasskey(actor: Actor, input: PasskeyLoginInput, origin: RequestOrigin): Promise<void> {
  const { ipFailures } = accountLimiters()
  await enforceLimit(ipFailures, origin.ip, { points: 0 })
  const credential = input.credential as AuthenticationResponseJSON
  const challenge = await claimPasskeyChallenge(credential.response.clientDataJSON, 'reauth')
  if (String(challenge.userId) !== actor.userId || !(await verifiedOwner(credential, challenge))) {
    await ipFailures.consume(origin.ip)
    throw apiError('invalid_credentials', 'That passkey was not accepted.', { statusCode: 403 })
  }
  await markReauthenticated(actor.sessionId)
}
