import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { logger } from '../../utils/logger'
import { createLimiter, enforceLimit, type Limiter } from '../../utils/rate-limit'

// The brute-force limits of accounts (NUXT_LIMITS_*): failed logins per account and per
// IP, sign-ups, passkey challenges and mails per IP, and one mail per account at a time.

interface AccountLimiters {
  accountFailures: Limiter
  ipFailures: Limiter
  signups: Limiter
  passkeyChallenges: Limiter
  mails: Limiter
  resends: Limiter
}

let limiters: AccountLimiters | undefined

export function accountLimiters(): AccountLimiters {
  if (limiters) return limiters
  const limits = serverConfig().limits
  limiters = {
    accountFailures: createLimiter({ name: 'login-account', points: limits.loginFailuresPerAccount, durationSeconds: limits.loginWindowSeconds }),
    ipFailures: createLimiter({ name: 'login-ip', points: limits.loginFailuresPerIp, durationSeconds: limits.loginWindowSeconds }),
    signups: createLimiter({ name: 'signup-ip', points: limits.signupsPerIp, durationSeconds: 3600 }),
    passkeyChallenges: createLimiter({ name: 'passkey-challenge-ip', points: limits.passkeyChallengesPerIp, durationSeconds: 3600 }),
    mails: createLimiter({ name: 'mail-ip', points: limits.mailsPerIp, durationSeconds: 3600 }),
    resends: createLimiter({ name: 'mail-resend', points: 1, durationSeconds: limits.mailResendSeconds }),
  }
  return limiters
}

/** The key of a known account's failed logins and lockout (an unknown name counts under `login:<name>`). */
export function accountLimitKey(userId: unknown): string {
  return `user:${String(userId)}`
}

/** A locked account's refusal: what happened, for how long, and the way out. The same for unknown names. */
function lockoutMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
  return `Too many wrong passwords or codes: this account is locked for ${minutes} minute${minutes === 1 ? '' : 's'}. Resetting the password unlocks it now.`
}

/**
 * The brute-force rules around one proof of a credential: a password at sign-in, the code
 * of a two-factor sign-in, the password (and code) of a re-authentication. Refused first
 * while the address or the account is over its limit (the account's 429 says it is
 * locked, for how long, and the way out); then `check` runs. A failure counts against the
 * account and the address, and the one that reaches the account's limit locks it for a
 * whole window from then, even against the right password, and answers that lockout
 * itself (429 with Retry-After), not the caller's "wrong password": the person learns it
 * from the attempt that locked it (tests/api/limits.test.ts, reauth.test.ts,
 * two-factor.test.ts). A success forgets the account's failures. Returns whether `check`
 * passed, for the caller to word its own refusal; what `check` throws counts nothing.
 */
export async function guardCredentialCheck(accountKey: string, ip: string, check: () => Promise<boolean>): Promise<boolean> {
  const { accountFailures, ipFailures } = accountLimiters()
  await enforceLimit(ipFailures, ip, { points: 0 })
  await enforceLimit(accountFailures, accountKey, { message: lockoutMessage, points: 0 })
  if (await check()) {
    await accountFailures.reset(accountKey)
    return true
  }
  const [failures] = await Promise.all([accountFailures.consume(accountKey), ipFailures.consume(ip)])
  if (failures.allowed && failures.remaining > 0) return false
  const lockedForSeconds = serverConfig().limits.loginWindowSeconds
  await accountFailures.block(accountKey, lockedForSeconds)
  // The account's id only: an unknown name's key holds what was typed, which stays out.
  const accountId = accountKey.startsWith('user:') ? accountKey.slice('user:'.length) : undefined
  logger.warn('account locked after failed sign-ins', { ...(accountId ? { accountId } : { knownAccount: false }), lockedForSeconds })
  throw apiError('rate_limited', lockoutMessage(lockedForSeconds), { retryAfter: lockedForSeconds })
}
