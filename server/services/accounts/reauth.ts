import type { ReauthInput } from '#shared/schemas/auth'
import { SessionModel, type SessionRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { verifyPassword } from '../../utils/passwords'
import type { RequestOrigin } from './accounts'
import { accountLimitKey, guardCredentialCheck } from './limits'
import { checkSecondFactor } from './two-factor'

// Re-authentication before sensitive changes (docs/security.md, "Re-authentication"): a
// session may change the account's email or passkeys only while its person proved who
// they are recently (NUXT_TIMINGS_REAUTH_WINDOW_MS, 10 minutes by default); past that the
// change answers 403 `reauthentication_required` until POST /api/auth/reauth (or a passkey)
// proves it again. tests/api/reauth.test.ts proves it.

/** When the session's person last proved who they are: its sign-in, or a later re-authentication. */
export function lastAuthenticatedAt(session: Pick<SessionRecord, 'authenticatedAt' | 'createdAt'>): Date {
  return session.authenticatedAt ?? session.createdAt
}

/**
 * The guard of sensitive changes: 403 `reauthentication_required` when the session's
 * last proof is older than the window. A refresh is no proof (it never moves it). Guests
 * have nothing to prove themselves with (no password, no passkey), so they pass.
 */
export function requireRecentSignIn(actor: Pick<Actor, 'role' | 'session'>, now = Date.now()): void {
  if (actor.role === 'guest') return
  if (now - lastAuthenticatedAt(actor.session).getTime() > serverConfig().timings.reauthWindowMs) {
    throw apiError('reauthentication_required')
  }
}

/** Records that the session's person just proved who they are (a password here, or a passkey). */
export async function markReauthenticated(sessionId: string, at = new Date()): Promise<void> {
  await SessionModel.updateOne({ _id: sessionId }, { $set: { authenticatedAt: at } }).exec()
}

/**
 * Runs `check` (a password, a password and a code) under the login's lockout rules
 * (guardCredentialCheck): a failure counts like a failed login (the fifth locks the account
 * for the window and answers that 429), else 403 (not 401) so a client does not take it
 * for an ended session. A success is a fresh proof: the session may make sensitive changes
 * for another window.
 */
async function prove(actor: Actor, origin: RequestOrigin, check: () => Promise<boolean>, message: string): Promise<void> {
  if (!(await guardCredentialCheck(accountLimitKey(actor.userId), origin.ip, check))) {
    throw apiError('invalid_credentials', message, { statusCode: 403 })
  }
  await markReauthenticated(actor.sessionId)
}

/**
 * The password that changes the password or deletes the account: a wrong one counts
 * against the lockout like a failed login, and a right one is a re-authentication too.
 */
export async function confirmPassword(actor: Actor, password: string, origin: RequestOrigin): Promise<void> {
  await prove(actor, origin, () => verifyPassword(actor.user.passwordHash, password), 'Wrong password.')
}

/**
 * Re-authentication with the password, and a current or recovery code when two-factor is
 * on (where a sign-in needs two factors, a password alone must not be enough).
 */
export async function reauthenticateWithPassword(actor: Actor, input: ReauthInput, origin: RequestOrigin): Promise<void> {
  if (!actor.user.passwordHash) throw apiError('forbidden', 'This account has no password to confirm.')
  const { code } = input
  if (actor.user.twoFactorEnabled && code === undefined) {
    throw apiError('validation_failed', 'Enter the code from your authenticator app.', { issues: [{ path: ['code'], message: 'Enter the code from your authenticator app', code: 'invalid_type' }] })
  }
  await prove(actor, origin, async () => {
    const passwordOk = await verifyPassword(actor.user.passwordHash, input.password)
    return passwordOk && (!actor.user.twoFactorEnabled || await checkSecondFactor(actor.user, code!))
  }, actor.user.twoFactorEnabled ? 'Wrong password or code.' : 'Wrong password.')
}
