import { randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import type { RecoveryCodes, TwoFactorChallenge, TwoFactorSetup } from '#shared/types/api'
import type { TwoFactorLoginInput } from '#shared/schemas/auth'
import { LoginChallengeModel, SpentKeyModel, TwoFactorModel, UserModel, type LoginChallengeRecord, type TwoFactorRecord, type UserRecord } from '../../models'
import { mustSetUpTwoFactor, type Actor } from '../../utils/auth'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { isSealed, openSecret, sealSecret } from '../../utils/sealed-secrets'
import { hashSecret, randomSecret } from '../../utils/tokens'
import type { RequestOrigin, SignedIn } from './accounts'
import { accountLimitKey, guardCredentialCheck } from './limits'
import { signIn } from './sessions'
import { announceOwnAccount } from './users'

// TOTP two-factor sign-in (RFC 6238 through otpauth: SHA-1, 6 digits, 30 s steps, one step
// of drift either way, as every authenticator app expects). docs/security.md says why each
// rule; tests/api/two-factor.test.ts proves them.

const ISSUER = 'Parley'
const CHALLENGE_TTL_MS = 5 * 60 * 1000
const MAX_CODE_FAILURES = 5
const RECOVERY_CODE_COUNT = 10
const PERIOD_SECONDS = 30

function totp(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) })
}

/** Ten codes like `k3m9p-x2q7d` (50 random bits each), returned once and stored hashed. */
function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = [...randomBytes(10)].map(byte => alphabet[byte % alphabet.length]).join('')
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })
}

/** What is stored of a recovery code: the SHA-256 of it without case, spaces or dashes. */
const recoveryCodeHash = (code: string) => hashSecret(code.toLowerCase().replace(/[^a-z0-9]/g, ''))

const expiredChallenge = () => apiError('invalid_token', 'This sign-in has expired; enter your password again.', { statusCode: 401 })
/** The sign-in's own limit of codes, reached before the account's (when the account allows more). */
const tooManyCodes = () => apiError('invalid_token', 'Too many wrong codes: this sign-in has ended; enter your password again.', { statusCode: 401 })

/** Marks a code used; false when it already was (the insert is the arbiter, on both engines). */
async function spend(key: string): Promise<boolean> {
  try {
    await SpentKeyModel.create({ _id: key })
    return true
  }
  catch (error) {
    if (isDuplicateKeyError(error)) return false
    throw error
  }
}

/**
 * Accepts a current TOTP code (each step once: a replayed code is refused) or an unused
 * recovery code (then removed). `storedSecret` is the confirmed one, or the pending one
 * while enabling, sealed (utils/sealed-secrets.ts); one that no longer opens (the JWT
 * secret was rotated) accepts no TOTP code, and recovery codes still work.
 */
async function acceptCode(user: Pick<UserRecord, '_id' | 'username'>, storedSecret: string, recoveryCodes: string[], code: string): Promise<boolean> {
  const userId = String(user._id)
  if (/^\d{6}$/.test(code)) {
    const secret = openSecret(storedSecret)
    if (secret === null) return false
    const delta = totp(secret, user.username).validate({ token: code, window: 1 })
    if (delta === null) return false
    const step = Math.floor(Date.now() / 1000 / PERIOD_SECONDS) + delta
    return spend(`totp:${userId}:${step}`)
  }
  const hash = recoveryCodeHash(code)
  if (!recoveryCodes.includes(hash) || !(await spend(`recovery:${userId}:${hash}`))) return false
  await TwoFactorModel.updateOne({ _id: userId }, { $pull: { recoveryCodes: hash } }).exec()
  return true
}

/** A current code or an unused recovery code of an account with two-factor on (re-authentication). */
export async function checkSecondFactor(user: Pick<UserRecord, '_id' | 'username'>, code: string): Promise<boolean> {
  const state = await loadTwoFactor(String(user._id))
  return !!state?.secret && acceptCode(user, state.secret, state.recoveryCodes, code)
}

/** A secret enrolled before sealing began is sealed at its next sign-in. */
async function sealIfStoredPlain(userId: string, stored: string): Promise<void> {
  if (isSealed(stored)) return
  await TwoFactorModel.updateOne({ _id: userId, secret: stored }, { $set: { secret: sealSecret(stored) } }).exec()
}

async function loadTwoFactor(userId: string): Promise<TwoFactorRecord | null> {
  return TwoFactorModel.findById(userId).lean<TwoFactorRecord>().exec()
}

async function requireEnabled(userId: string): Promise<TwoFactorRecord & { secret: string }> {
  const state = await loadTwoFactor(userId)
  if (!state?.secret) throw apiError('conflict', 'Two-factor authentication is not on.')
  return state as TwoFactorRecord & { secret: string }
}

/** Starts enrolment: a new secret that takes effect only once a first code confirms it. */
export async function startTwoFactorSetup(actor: Actor): Promise<TwoFactorSetup> {
  if (actor.user.role === 'guest') throw apiError('forbidden', 'Guests cannot turn on two-factor authentication.')
  if (actor.user.twoFactorEnabled) throw apiError('conflict', 'Two-factor authentication is already on.')
  const secret = new Secret({ size: 20 }).base32
  await TwoFactorModel.updateOne({ _id: String(actor.user._id) }, { $set: { pendingSecret: sealSecret(secret) } }, { upsert: true }).exec()
  return { secret, uri: totp(secret, actor.user.username).toString() }
}

/** Confirms enrolment with a first code; answers the recovery codes (shown once). */
export async function enableTwoFactor(actor: Actor, code: string): Promise<RecoveryCodes> {
  const userId = String(actor.user._id)
  return withLock(`two-factor:${userId}`, async () => {
    const state = await loadTwoFactor(userId)
    if (actor.user.twoFactorEnabled || state?.secret) throw apiError('conflict', 'Two-factor authentication is already on.')
    if (!state?.pendingSecret) throw apiError('conflict', 'Start the setup first.')
    if (!(await acceptCode(actor.user, state.pendingSecret, [], code))) throw apiError('invalid_credentials', 'That code is not right; check the time on your device.', { statusCode: 403 })
    const recoveryCodes = newRecoveryCodes()
    await TwoFactorModel.updateOne({ _id: userId }, { $set: { secret: state.pendingSecret, pendingSecret: null, recoveryCodes: recoveryCodes.map(recoveryCodeHash), enabledAt: new Date() } }).exec()
    await UserModel.updateOne({ _id: actor.user._id }, { $set: { twoFactorEnabled: true } }).exec()
    // The person's other devices show it on (api-realtime.md, "Own-account changes").
    await announceOwnAccount({ ...actor.user, twoFactorEnabled: true })
    return { recoveryCodes }
  })
}

/**
 * Turns two-factor off once `prove` (the password and a code, services/accounts/reauth.ts)
 * passes; never where the server requires it (NUXT_REQUIRE_TWO_FACTOR).
 */
export async function disableTwoFactor(actor: Actor, prove: () => Promise<void>): Promise<void> {
  if (mustSetUpTwoFactor({ ...actor.user, twoFactorEnabled: false })) throw apiError('forbidden', 'Two-factor authentication is required on this server.')
  const state = await requireEnabled(String(actor.user._id))
  await prove()
  await UserModel.updateOne({ _id: actor.user._id }, { $set: { twoFactorEnabled: false } }).exec()
  await TwoFactorModel.deleteOne({ _id: state._id }).exec()
  await announceOwnAccount({ ...actor.user, twoFactorEnabled: false })
}

/** New recovery codes for a current code; the old ones stop working. */
export async function regenerateRecoveryCodes(actor: Actor, code: string): Promise<RecoveryCodes> {
  const state = await requireEnabled(String(actor.user._id))
  if (!(await acceptCode(actor.user, state.secret, state.recoveryCodes, code))) throw apiError('invalid_credentials', 'That code is not right.', { statusCode: 403 })
  const recoveryCodes = newRecoveryCodes()
  await TwoFactorModel.updateOne({ _id: state._id }, { $set: { recoveryCodes: recoveryCodes.map(recoveryCodeHash) } }).exec()
  return { recoveryCodes }
}

/** The password was right and the account has two-factor on: a challenge instead of a session. */
export async function issueLoginChallenge(user: UserRecord): Promise<TwoFactorChallenge> {
  const challenge = randomSecret()
  await LoginChallengeModel.create({ _id: hashSecret(challenge), userId: user._id, expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS) })
  return { twoFactorRequired: true, challenge }
}

/**
 * The second step: a live challenge and a code. Wrong codes count against the account's
 * failed-login limit like wrong passwords (guardCredentialCheck), and the fifth ends the
 * challenge (the password step again). The failure that ends it says so: the lockout's 429
 * when it locked the account (the default: five failures either way), else `invalid_token`,
 * never "not right" (tests/api/two-factor.test.ts). The challenge is spent by its first success.
 */
export async function completeTwoFactorLogin(input: TwoFactorLoginInput, origin: RequestOrigin): Promise<SignedIn> {
  const challengeId = hashSecret(input.challenge)
  return withLock(`login-challenge:${challengeId}`, async () => {
    const challenge = await LoginChallengeModel.findById(challengeId).lean<LoginChallengeRecord>().exec()
    if (!challenge || challenge.expiresAt.getTime() <= Date.now()) throw expiredChallenge()
    const signer: { user?: UserRecord, state?: TwoFactorRecord } = {}
    // The guard answers a locked account first: it is why a sign-in ended by wrong codes is over.
    const accepted = await guardCredentialCheck(accountLimitKey(challenge.userId), origin.ip, async () => {
      if (challenge.failures >= MAX_CODE_FAILURES) throw tooManyCodes()
      const [user, state] = await Promise.all([
        UserModel.findById(challenge.userId).lean<UserRecord>().exec(),
        loadTwoFactor(String(challenge.userId)),
      ])
      if (!user || user.banned || !state?.secret) throw expiredChallenge()
      if (await acceptCode(user, state.secret, state.recoveryCodes, input.code)) {
        Object.assign(signer, { user, state })
        return true
      }
      await LoginChallengeModel.updateOne({ _id: challengeId }, { $set: { failures: challenge.failures + 1 } }).exec()
      return false
    })
    // The failure that ends the sign-in without locking the account says so too.
    if (!accepted && challenge.failures + 1 >= MAX_CODE_FAILURES) throw tooManyCodes()
    if (!accepted || !signer.user || !signer.state?.secret) throw apiError('invalid_credentials', 'That code is not right.')
    if (!(await spend(`challenge:${challengeId}`))) throw apiError('invalid_token', 'This sign-in has already been used.', { statusCode: 401 })
    await LoginChallengeModel.deleteOne({ _id: challengeId }).exec()
    await sealIfStoredPlain(signer.state._id, signer.state.secret)
    return signIn(signer.user, origin, 'password+2fa')
  })
}
