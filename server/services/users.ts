import type { AdminUser, Me, Page, User } from '#shared/types/api'
import type { AdminUpdateUserInput, UpdateProfileInput } from '#shared/schemas/users'
import { toAdminUser, toMe, toUser } from '../dto/users'
import { AccountTokenModel, emailKey, RefreshTokenModel, SessionModel, UserKeyModel, UserModel, usernameKey, type UserRecord } from '../models'
import type { AuthContext } from '../utils/auth'
import { emitDomainEvent } from '../utils/domain-events'
import { apiError, isDuplicateKeyError } from '../utils/errors'
import { withLock } from '../utils/lock'
import { verifyPassword } from '../utils/passwords'
import { sendVerificationMail } from './accounts'
import { revokeAllSessions } from './sessions'

export async function findUser(id: string): Promise<UserRecord | null> {
  return UserModel.findById(id).lean<UserRecord>()
}

export async function getUser(id: string): Promise<User> {
  const user = await findUser(id)
  if (!user) throw apiError('not_found')
  return toUser(user)
}

/**
 * Updates the caller's profile. A new email is claimed through its key document (409
 * `email_taken` if someone has it), starts unverified and is sent a verification link.
 */
export async function updateProfile(auth: AuthContext, input: UpdateProfileInput): Promise<Me> {
  const userId = auth.userId
  const { user, emailChanged, displayNameChanged } = await withLock(`user:${userId}`, async () => {
    const current = await findUser(userId)
    if (!current) throw apiError('unauthorized')
    const set: Record<string, unknown> = {}
    if (input.displayName !== undefined) set.displayName = input.displayName
    if (input.country !== undefined) set.country = input.country
    if (input.age !== undefined) set.age = input.age
    if (input.bio !== undefined) set.bio = input.bio

    let emailChanged = false
    if (input.email !== undefined) {
      const nextLower = input.email?.toLowerCase() ?? null
      if (nextLower !== current.emailLower) {
        if (nextLower) {
          try {
            await UserKeyModel.create({ _id: emailKey(nextLower), userId: current._id })
          }
          catch (error) {
            if (isDuplicateKeyError(error)) throw apiError('email_taken')
            throw error
          }
        }
        if (current.emailLower) await UserKeyModel.deleteOne({ _id: emailKey(current.emailLower), userId: current._id })
        Object.assign(set, { email: input.email ?? null, emailLower: nextLower, emailVerified: false })
        emailChanged = !!nextLower
      }
      else if (input.email && input.email !== current.email) {
        set.email = input.email // same address, other letter case
      }
    }
    const updated = Object.keys(set).length > 0
      ? await UserModel.findByIdAndUpdate(userId, { $set: set }, { new: true }).lean<UserRecord>()
      : current
    if (!updated) throw apiError('unauthorized')
    return { user: updated, emailChanged, displayNameChanged: set.displayName !== undefined && set.displayName !== current.displayName }
  })
  if (emailChanged) void sendVerificationMail(user)
  if (displayNameChanged) emitDomainEvent('user.changed', { userId })
  return toMe(user)
}

/**
 * Deletes the account: its sessions (sockets closed), key documents, mail tokens and the
 * user document. Messages stay; a sender without a user document shows as deleted.
 */
export async function deleteAccount(auth: AuthContext, password: string | undefined): Promise<void> {
  // Guests have no password; everyone else confirms with theirs.
  if (auth.user.passwordHash) {
    if (password === undefined) {
      throw apiError('validation_failed', 'Enter your password to delete the account.', { issues: [{ path: ['password'], message: 'Enter your password', code: 'invalid_type' }] })
    }
    if (!(await verifyPassword(auth.user.passwordHash, password))) throw apiError('invalid_credentials', undefined, { statusCode: 403 })
  }
  const userId = auth.userId
  await revokeAllSessions(userId, 'account_deleted')
  await withLock(`user:${userId}`, async () => {
    const user = await findUser(userId)
    if (!user) return
    await UserModel.deleteOne({ _id: user._id })
    const sessionIds = (await SessionModel.find({ userId: user._id }, { _id: 1 }).lean()).map(session => session._id)
    await Promise.all([
      UserKeyModel.deleteOne({ _id: usernameKey(user.username), userId: user._id }),
      user.emailLower ? UserKeyModel.deleteOne({ _id: emailKey(user.emailLower), userId: user._id }) : null,
      SessionModel.deleteMany({ userId: user._id }),
      RefreshTokenModel.deleteMany({ sessionId: { $in: sessionIds } }),
      AccountTokenModel.deleteMany({ userId: user._id }),
    ])
  })
  emitDomainEvent('user.changed', { userId, deleted: true })
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function encodeCursor(usernameLower: string): string {
  return Buffer.from(usernameLower, 'utf8').toString('base64url')
}

function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!decoded || decoded.length > 64) throw apiError('validation_failed', 'The cursor is not valid.')
  return decoded
}

/**
 * The user directory: a prefix match on username or display name (case-insensitive,
 * the query escaped), in username order, paged by the last username seen. A scan on the
 * embedded engine, which a directory search may be.
 */
async function searchUsers(query: { q?: string, limit: number, cursor?: string }, includeEmail: boolean): Promise<{ users: UserRecord[], nextCursor: string | null }> {
  const after = decodeCursor(query.cursor)
  const conditions: Record<string, unknown>[] = []
  if (query.q) {
    const prefix = `^${escapeRegex(query.q)}`
    const matches: Record<string, unknown>[] = [
      { usernameLower: { $regex: `^${escapeRegex(query.q.toLowerCase())}` } },
      { displayName: { $regex: prefix, $options: 'i' } },
    ]
    if (includeEmail) matches.push({ emailLower: { $regex: `^${escapeRegex(query.q.toLowerCase())}` } })
    conditions.push({ $or: matches })
  }
  if (after) conditions.push({ usernameLower: { $gt: after } })
  const filter = conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0]! : { $and: conditions }
  const users = await UserModel.find(filter).sort({ usernameLower: 1 }).limit(query.limit + 1).lean<UserRecord[]>()
  const page = users.slice(0, query.limit)
  const nextCursor = users.length > query.limit ? encodeCursor(page.at(-1)!.usernameLower) : null
  return { users: page, nextCursor }
}

export async function listUsers(query: { q?: string, limit: number, cursor?: string }): Promise<Page<User>> {
  const { users, nextCursor } = await searchUsers(query, false)
  return { items: users.map(toUser), nextCursor }
}

export async function listUsersForAdmin(query: { q?: string, limit: number, cursor?: string }): Promise<Page<AdminUser>> {
  const { users, nextCursor } = await searchUsers(query, true)
  return { items: users.map(toAdminUser), nextCursor }
}

/**
 * An admin changes a role or bans. Banning revokes every session of the user (their
 * sockets close); role changes apply on the user's next request.
 */
export async function adminUpdateUser(admin: AuthContext, targetId: string, input: AdminUpdateUserInput): Promise<AdminUser> {
  if (targetId === admin.userId && (input.banned === true || input.role === 'user')) {
    throw apiError('conflict', 'You cannot ban yourself or remove your own admin role.')
  }
  const { user, banned, roleChanged } = await withLock(`user:${targetId}`, async () => {
    const current = await findUser(targetId)
    if (!current) throw apiError('not_found')
    if (input.role !== undefined && current.role === 'guest') {
      throw apiError('conflict', 'Guest accounts cannot change role.')
    }
    const set: Record<string, unknown> = {}
    if (input.role !== undefined && input.role !== current.role) set.role = input.role
    if (input.banned !== undefined && input.banned !== current.banned) set.banned = input.banned
    const updated = Object.keys(set).length > 0
      ? await UserModel.findByIdAndUpdate(targetId, { $set: set }, { new: true }).lean<UserRecord>()
      : current
    if (!updated) throw apiError('not_found')
    return { user: updated, banned: set.banned === true, roleChanged: set.role !== undefined }
  })
  if (banned) await revokeAllSessions(targetId, 'banned')
  if (roleChanged) emitDomainEvent('user.changed', { userId: targetId })
  return toAdminUser(user)
}
