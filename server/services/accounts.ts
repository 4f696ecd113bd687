import { Types } from 'mongoose'
import type { AuthResult } from '#shared/types/api'
import type { ChangePasswordInput, GuestInput, LoginInput, RegisterInput, ResetPasswordInput } from '#shared/schemas/auth'
import { AccountTokenModel, emailKey, UserKeyModel, UserModel, usernameKey, type UserRecord } from '../models'
import type { AuthContext } from '../utils/auth'
import { apiError, isDuplicateKeyError } from '../utils/errors'
import { withLock } from '../utils/lock'
import { errorName, logger } from '../utils/logger'
import { sendMail } from '../utils/mail'
import { hashPassword, verifyPassword } from '../utils/passwords'
import { createLimiter, type Limiter } from '../utils/rate-limit'
import { serverConfig } from '../utils/config'
import { hashSecret, randomSecret } from '../utils/tokens'
import { authResult, createSession, revokeAllSessions, type IssuedTokens } from './sessions'

export interface RequestOrigin {
  ip: string
  userAgent: string | null
}

export interface SignedIn {
  body: AuthResult
  tokens: IssuedTokens
}

const FIRST_ADMIN_KEY = 'system:first-admin'
const RESET_TOKEN_TTL_MS = 60 * 60 * 1000
const VERIFY_TOKEN_TTL_MS = 48 * 60 * 60 * 1000
/** A key document with no user this long after its insert is left over from a crash. */
const ORPHAN_KEY_AGE_MS = 60_000

interface AccountLimiters {
  accountFailures: Limiter
  ipFailures: Limiter
  signups: Limiter
  mails: Limiter
  resends: Limiter
}

let limiters: AccountLimiters | undefined

function accountLimiters(): AccountLimiters {
  if (limiters) return limiters
  const limits = serverConfig().limits
  limiters = {
    accountFailures: createLimiter({ name: 'login-account', points: limits.loginFailuresPerAccount, durationSeconds: limits.loginWindowSeconds }),
    ipFailures: createLimiter({ name: 'login-ip', points: limits.loginFailuresPerIp, durationSeconds: limits.loginWindowSeconds }),
    signups: createLimiter({ name: 'signup-ip', points: limits.signupsPerIp, durationSeconds: 3600 }),
    mails: createLimiter({ name: 'mail-ip', points: limits.mailsPerIp, durationSeconds: 3600 }),
    resends: createLimiter({ name: 'mail-resend', points: 1, durationSeconds: limits.mailResendSeconds }),
  }
  return limiters
}

async function throwIfLimited(limiter: Limiter, key: string, consume: boolean): Promise<void> {
  const result = consume ? await limiter.consume(key) : await limiter.check(key)
  if (!result.allowed) throw apiError('rate_limited', undefined, { retryAfter: result.retryAfterSeconds })
}

/**
 * Claims a username or email key for `userId`: the insert is the race-free uniqueness
 * check on both engines. A key left behind by a crash between claim and account insert
 * is reclaimed once it is old enough.
 */
async function claimKey(key: string, userId: Types.ObjectId, conflict: 'username_taken' | 'email_taken'): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await UserKeyModel.create({ _id: key, userId })
      return
    }
    catch (error) {
      if (!isDuplicateKeyError(error)) throw error
      const existing = await UserKeyModel.findById(key).lean()
      const orphan = existing
        && Date.now() - new Date(existing.createdAt as Date).getTime() > ORPHAN_KEY_AGE_MS
        && !(await UserModel.exists({ _id: existing.userId }))
      if (!orphan) throw apiError(conflict)
      await UserKeyModel.deleteOne({ _id: key, userId: existing.userId })
    }
  }
  throw apiError(conflict)
}

async function releaseKeys(keys: string[], userId: Types.ObjectId): Promise<void> {
  await Promise.all(keys.map(key => UserKeyModel.deleteOne({ _id: key, userId }).catch(() => {})))
}

/** True for the first account ever registered: the first insert of a fixed key wins. */
async function claimFirstAdmin(userId: Types.ObjectId): Promise<boolean> {
  try {
    await UserKeyModel.create({ _id: FIRST_ADMIN_KEY, userId })
    return true
  }
  catch (error) {
    if (isDuplicateKeyError(error)) return false
    throw error
  }
}

async function createAccount(fields: {
  username: string
  displayName?: string
  email?: string
  passwordHash: string | null
  role: 'user' | 'guest'
}): Promise<UserRecord> {
  const userId = new Types.ObjectId()
  const keys = [usernameKey(fields.username)]
  await claimKey(keys[0]!, userId, 'username_taken')
  try {
    if (fields.email) {
      keys.push(emailKey(fields.email))
      await claimKey(keys[1]!, userId, 'email_taken')
    }
    const admin = fields.role === 'user' && await claimFirstAdmin(userId)
    const created = await UserModel.create({
      _id: userId,
      username: fields.username,
      usernameLower: fields.username.toLowerCase(),
      displayName: fields.displayName || fields.username,
      role: admin ? 'admin' : fields.role,
      passwordHash: fields.passwordHash,
      email: fields.email ?? null,
      emailLower: fields.email?.toLowerCase() ?? null,
    })
    return created.toObject() as UserRecord
  }
  catch (error) {
    await releaseKeys(fields.email ? keys : keys.slice(0, 1), userId)
    if (isDuplicateKeyError(error)) throw apiError('username_taken')
    throw error
  }
}

async function signIn(user: UserRecord, origin: RequestOrigin): Promise<SignedIn> {
  const { session, tokens } = await createSession(user._id, origin.userAgent)
  return { body: authResult(user, session, tokens), tokens }
}

export async function register(input: RegisterInput, origin: RequestOrigin): Promise<SignedIn> {
  const { signups, mails } = accountLimiters()
  await throwIfLimited(signups, origin.ip, true)
  const passwordHash = await hashPassword(input.password)
  const user = await createAccount({ ...input, passwordHash, role: 'user' })
  if (user.email) {
    const mailAllowed = (await mails.consume(origin.ip)).allowed
    if (mailAllowed) void sendVerificationMail(user)
  }
  return signIn(user, origin)
}

export async function signInAsGuest(input: GuestInput, origin: RequestOrigin): Promise<SignedIn> {
  await throwIfLimited(accountLimiters().signups, origin.ip, true)
  const user = await createAccount({ username: input.username, passwordHash: null, role: 'guest' })
  return signIn(user, origin)
}

async function findUserByLogin(login: string): Promise<UserRecord | null> {
  const key = login.includes('@') ? emailKey(login) : usernameKey(login)
  const entry = await UserKeyModel.findById(key).lean()
  if (!entry) return null
  return UserModel.findById(entry.userId).lean<UserRecord>()
}

/**
 * Password login. Unknown accounts and wrong passwords answer the same (a dummy argon2
 * verification keeps the timing alike). Five failures for one account within the window
 * lock it for the window, even against the right password; failures per IP are capped too.
 */
export async function login(input: LoginInput, origin: RequestOrigin): Promise<SignedIn> {
  const { accountFailures, ipFailures } = accountLimiters()
  const { loginWindowSeconds } = serverConfig().limits
  await throwIfLimited(ipFailures, origin.ip, false)
  const user = await findUserByLogin(input.login)
  const accountKey = user ? `user:${String(user._id)}` : `login:${input.login.toLowerCase()}`
  await throwIfLimited(accountFailures, accountKey, false)

  const valid = await verifyPassword(user?.passwordHash, input.password)
  if (!user || !valid) {
    const [failures] = await Promise.all([accountFailures.consume(accountKey), ipFailures.consume(origin.ip)])
    if (!failures.allowed || failures.remaining === 0) {
      // The lockout lasts a full window from the failure that reached the limit.
      await accountFailures.block(accountKey, loginWindowSeconds)
    }
    throw apiError('invalid_credentials')
  }
  if (user.banned) throw apiError('banned')
  await accountFailures.reset(accountKey)
  return signIn(user, origin)
}

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
  await withLock(`user:${userId}`, async () => {
    const user = await UserModel.findById(userId).lean<UserRecord>()
    // The link confirms the address it was sent to; a changed email needs its own link.
    if (!user || !user.emailLower || user.emailLower !== stored.email) throw apiError('invalid_token')
    await UserModel.updateOne({ _id: user._id }, { $set: { emailVerified: true } })
  })
}

/** Sends a fresh verification link: at most one per account per minute. */
export async function resendVerification(auth: AuthContext, origin: RequestOrigin): Promise<void> {
  const { resends, mails } = accountLimiters()
  const user = auth.user
  if (!user.email || user.emailVerified) return
  await throwIfLimited(mails, origin.ip, false)
  await throwIfLimited(resends, auth.userId, true)
  await mails.consume(origin.ip)
  void sendVerificationMail(user)
}

/** Always succeeds (202): whether the address has an account is not revealed. */
export async function forgotPassword(email: string, origin: RequestOrigin): Promise<void> {
  const { resends, mails } = accountLimiters()
  await throwIfLimited(mails, origin.ip, false)
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
  await revokeAllSessions(userId, 'password_reset')
  await accountLimiters().accountFailures.reset(`user:${userId}`)
}

export async function changePassword(auth: AuthContext, input: ChangePasswordInput): Promise<void> {
  const valid = await verifyPassword(auth.user.passwordHash, input.currentPassword)
  if (!valid) throw apiError('invalid_credentials', undefined, { statusCode: 403 })
  const passwordHash = await hashPassword(input.newPassword)
  await UserModel.updateOne({ _id: auth.user._id }, { $set: { passwordHash } })
  await revokeAllSessions(auth.userId, 'password_changed', auth.sessionId)
}

/** Deletes expired mail tokens (the periodic sweep). */
export async function sweepAccountTokens(now = new Date()): Promise<number> {
  const { deletedCount } = await AccountTokenModel.deleteMany({ expiresAt: { $lt: now } })
  return deletedCount ?? 0
}
