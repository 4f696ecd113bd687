import { Types } from 'mongoose'
import type { AuthResult, TwoFactorChallenge } from '#shared/types/api'
import type { GuestInput, LoginInput, RegisterInput } from '#shared/schemas/auth'
import { emailKey, UserKeyModel, UserModel, usernameKey, type UserRecord } from '../../models'
import { serverConfig } from '../../utils/config'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { enforceLimit } from '../../utils/rate-limit'
import { hashPassword, verifyPassword } from '../../utils/passwords'
import { accountLimiters, accountLimitKey, guardCredentialCheck } from './limits'
import { sendVerificationMail } from './mail-tokens'
import { signIn, type IssuedTokens } from './sessions'
import { issueLoginChallenge } from './two-factor'
import { findUserByLogin } from './users'

// Creating accounts (registration, guests, the first admin) and signing in with a password.

export interface RequestOrigin {
  ip: string
  userAgent: string | null
}

export interface SignedIn {
  body: AuthResult
  tokens: IssuedTokens
}

const FIRST_ADMIN_KEY = 'system:first-admin'
/** A key document with no user this long after its insert is left over from a crash. */
const ORPHAN_KEY_AGE_MS = 60_000

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
  /** NUXT_SIGNUPS=closed: only the first account (the admin) may be created. */
  firstOnly?: boolean
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
    // The first-admin key decides a race between two first sign-ups on a closed site.
    if (fields.firstOnly && !admin) throw signupsClosed()
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
    // Only keys this account holds are deleted (its userId): the first-admin seat too, which
    // a failed insert must not keep from every later sign-up on a closed site.
    await releaseKeys([...keys, FIRST_ADMIN_KEY], userId)
    if (isDuplicateKeyError(error)) throw apiError('username_taken')
    throw error
  }
}

const signupsClosed = () => apiError('forbidden', 'Sign-up is closed on this server: ask an admin for an account.')

/**
 * Who may come in (docs/api-accounts.md, "Who may come in"): NUXT_SIGNUPS=closed refuses
 * every sign-up after the first (a fresh deploy still gets its admin).
 */
async function checkSignupAllowed(): Promise<void> {
  if (serverConfig().signups === 'closed' && await UserKeyModel.exists({ _id: FIRST_ADMIN_KEY })) throw signupsClosed()
}

export async function register(input: RegisterInput, origin: RequestOrigin): Promise<SignedIn> {
  const { signups, mails } = accountLimiters()
  await enforceLimit(signups, origin.ip)
  await checkSignupAllowed()
  const passwordHash = await hashPassword(input.password)
  const user = await createAccount({ ...input, passwordHash, role: 'user', firstOnly: serverConfig().signups === 'closed' })
  if (user.email) {
    const mailAllowed = (await mails.consume(origin.ip)).allowed
    if (mailAllowed) void sendVerificationMail(user)
  }
  return signIn(user, origin, 'password', { registration: true })
}

export async function signInAsGuest(input: GuestInput, origin: RequestOrigin): Promise<SignedIn> {
  if (!serverConfig().guests) throw apiError('forbidden', 'Guest access is turned off on this server: sign in with an account.')
  await enforceLimit(accountLimiters().signups, origin.ip)
  const user = await createAccount({ username: input.username, passwordHash: null, role: 'guest' })
  return signIn(user, origin, 'guest')
}

/**
 * Password login. Unknown accounts and wrong passwords answer the same (a dummy argon2
 * verification keeps the timing alike). Five failures for one account within the window
 * lock it for the window, even against the right password, the fifth answering the
 * lockout; failures per IP are capped too (guardCredentialCheck).
 */
export async function login(input: LoginInput, origin: RequestOrigin): Promise<SignedIn | { challenge: TwoFactorChallenge }> {
  const user = await findUserByLogin(input.login)
  const accountKey = user ? accountLimitKey(user._id) : `login:${input.login.toLowerCase()}`
  const valid = await guardCredentialCheck(accountKey, origin.ip, async () => (await verifyPassword(user?.passwordHash, input.password)) && !!user)
  if (!user || !valid) throw apiError('invalid_credentials')
  if (user.banned) throw apiError('banned')
  if (user.twoFactorEnabled) return { challenge: await issueLoginChallenge(user) }
  return signIn(user, origin, 'password')
}
