import type { ResetPasswordInput } from '#shared/schemas/auth'
import { AccountTokenModel, UserModel, type UserRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { enforceLimit } from '../../utils/rate-limit'
import { withLock } from '../../utils/lock'
import { errorName, logger } from '../../utils/logger'
import { sendMail } from '../../utils/mail'
import { hashPassword } from '../../utils/passwords'
import { hashSecret, randomSecret } from '../../utils/tokens'
import type { RequestOrigin } from './accounts'
import { accountLimiters, accountLimitKey } from './limits'
import { revokeAllSessions } from './sessions'
import { announceOwnAccount, findUserByLogin } from './users'

// The links accounts are mailed: email verification and password reset. A token is
// stored hashed, used once, and expires.

const RESET_TOKEN_TTL_MS = 60 * 60 * 1000
const VERIFY_TOKEN_TTL_MS = 48 * 60 * 60 * 1000
async function issueAccountToken(user: UserRecord, purpose: 'verify-email' | 'reset-password', ttlMs: number): Promise<string> {
  const token = randomSecret()
  await AccountTokenModel.create({
    _id: hashSecret(token),
    purpose,
    userId: user._id,
    email: user.emailLower,
    expiresAt: new Date(Date.now() + ttlMs),
  })
  return token
}

/** Redeems a mailed token once: deleting it is the single-use arbiter. */
async function redeemAccountToken(token: string, purpose: 'verify-email' | 'reset-password') {
  const id = hashSecret(token)
  return withLock(`account-token:${id}`, async () => {
    const stored = await AccountTokenModel.findById(id).lean()
    if (!stored || stored.purpose !== purpose) throw apiError('invalid_token')
    const { deletedCount } = await AccountTokenModel.deleteOne({ _id: id })
    if (deletedCount !== 1 || stored.expiresAt.getTime() <= Date.now()) throw apiError('invalid_token')
    return stored
  })
}

/** Mails a fresh verification link. Never throws: it runs after the answer was sent. */
export async function sendVerificationMail(user: UserRecord): Promise<void> {
  if (!user.email) return
  let token: string
  try {
    token = await issueAccountToken(user, 'verify-email', VERIFY_TOKEN_TTL_MS)
  }
  catch (error) {
    logger.error('could not issue a verification token', { userId: String(user._id), error: errorName(error) })
    return
  }
  const link = `${serverConfig().appUrl}/verify-email?token=${encodeURIComponent(token)}`
  await sendMail({
    to: user.email,
    subject: 'Confirm your email address for Parley',
    text: `Hello ${user.displayName},\n\nconfirm this email address for your Parley account "${user.username}" by opening:\n\n${link}\n\nThe link is valid for 48 hours. If you did not ask for it, ignore this mail.\n`,
    link,
  })
}

export async function verifyEmail(token: string): Promise<void> {
  const stored = await redeemAccountToken(token, 'verify-email')
  const userId = String(stored.userId)
  const user = await withLock(`user:${userId}`, async () => {
    const found = await UserModel.findById(userId).lean<UserRecord>()
    // The link confirms the address it was sent to; a changed email needs its own link.
    if (!found || !found.emailLower || found.emailLower !== stored.email) throw apiError('invalid_token')
    await UserModel.updateOne({ _id: found._id }, { $set: { emailVerified: true } })
    return found
  })
  await announceOwnAccount(user)
}

/** Sends a fresh verification link: at most one per account per minute. */
export async function resendVerification(auth: Actor, origin: RequestOrigin): Promise<void> {
  const { resends, mails } = accountLimiters()
  const user = auth.user
  if (!user.email || user.emailVerified) return
  await enforceLimit(mails, origin.ip, { points: 0 })
  await enforceLimit(resends, auth.userId)
  await mails.consume(origin.ip)
  void sendVerificationMail(user)
}

/** Always succeeds (202): whether the address has an account is not revealed. */
export async function forgotPassword(email: string, origin: RequestOrigin): Promise<void> {
  const { resends, mails } = accountLimiters()
  await enforceLimit(mails, origin.ip, { points: 0 })
  const address = email.trim()
  if (!address.includes('@')) return
  const user = await findUserByLogin(address)
  if (!user || user.role === 'guest' || !user.email || user.banned) return
  // At most one reset mail per account per minute; silently, so nothing is revealed.
  if (!(await resends.consume(`reset:${String(user._id)}`)).allowed) return
  await mails.consume(origin.ip)
  const token = await issueAccountToken(user, 'reset-password', RESET_TOKEN_TTL_MS)
  const link = `${serverConfig().appUrl}/reset-password?token=${encodeURIComponent(token)}`
  void sendMail({
    to: user.email,
    subject: 'Reset your Parley password',
    text: `Hello ${user.displayName},\n\nsomeone asked to reset the password of your Parley account "${user.username}". Choose a new one here:\n\n${link}\n\nThe link is valid for one hour and works once. If you did not ask for it, ignore this mail: your password stays as it is.\n`,
    link,
  })
}

export async function resetPassword(input: ResetPasswordInput): Promise<void> {
  const stored = await redeemAccountToken(input.token, 'reset-password')
  const userId = String(stored.userId)
  const passwordHash = await hashPassword(input.password)
  await withLock(`user:${userId}`, async () => {
    const user = await UserModel.findById(userId).lean<UserRecord>()
    if (!user) throw apiError('invalid_token')
    // The link reached this mailbox, which proves the address as well.
    const emailVerified = user.emailVerified || (!!user.emailLower && user.emailLower === stored.email)
    await UserModel.updateOne({ _id: user._id }, { $set: { passwordHash, emailVerified } })
  })
  await revokeAllSessions(userId, 'password-reset')
  await accountLimiters().accountFailures.reset(accountLimitKey(userId))
}

/** Deletes expired mail tokens (the periodic sweep). */
export async function sweepAccountTokens(now = new Date()): Promise<number> {
  const { deletedCount } = await AccountTokenModel.deleteMany({ expiresAt: { $lt: now } })
  return deletedCount ?? 0
}
