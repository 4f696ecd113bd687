import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { createLimiter, type Limiter } from '../../utils/rate-limit'

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

/** Refuses with 429 and `Retry-After` past the limit; `explain` words it (else the contract's generic sentence). */
export async function throwIfLimited(limiter: Limiter, key: string, consume: boolean, explain?: (retryAfterSeconds: number) => string): Promise<void> {
  const result = consume ? await limiter.consume(key) : await limiter.check(key)
  if (!result.allowed) throw apiError('rate_limited', explain?.(result.retryAfterSeconds), { retryAfter: result.retryAfterSeconds })
}

/** A locked account's refusal: what happened, for how long, and the way out. The same for unknown names. */
export function lockoutMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
  return `Too many wrong passwords or codes: this account is locked for ${minutes} minute${minutes === 1 ? '' : 's'}. Resetting the password unlocks it now.`
}

/**
 * A wrong password or code (sign-in or re-authentication): it counts against the account
 * and the address, and the failure that reaches the account's limit locks it for a whole
 * window from then, even against the right password.
 */
export async function countLoginFailure(accountKey: string, ip: string): Promise<{ lockedForSeconds: number } | null> {
  const { accountFailures, ipFailures } = accountLimiters()
  const [failures] = await Promise.all([accountFailures.consume(accountKey), ipFailures.consume(ip)])
  if (failures.allowed && failures.remaining > 0) return null
  const lockedForSeconds = serverConfig().limits.loginWindowSeconds
  await accountFailures.block(accountKey, lockedForSeconds)
  return { lockedForSeconds }
}

/** The refusal of the failure that locked the account: it says so (429), not "wrong code". */
export function lockedOut(seconds: number) {
  return apiError('rate_limited', lockoutMessage(seconds), { retryAfter: seconds })
}
