import type { Me } from '#shared/types/api'
import type { ChangePasswordInput } from '#shared/schemas/auth'
import type { UpdateProfileInput } from '#shared/schemas/users'
import { toMe } from '../../dto/users'
import { AccountTokenModel, emailKey, KnownBrowsersModel, PasskeyModel, RefreshTokenModel, SessionModel, TwoFactorModel, UserKeyModel, UserModel, usernameKey, type UserRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { errorName, logger } from '../../utils/logger'
import { hashPassword } from '../../utils/passwords'
import { userChatIds } from '../chats/chat-list'
import { forgetDeletedUser } from '../chats/memberships'
import { forgetUser } from '../push/subscriptions'
import { presenceOf } from '../realtime'
import { sendVerificationMail } from './mail-tokens'
import type { RequestOrigin } from './accounts'
import { confirmPassword, requireRecentSignIn } from './reauth'
import { revokeAllSessions } from './sessions'
import { announceDeletedAccount, announceNewProfile, announceOwnAccount, findUser } from './users'

// A person's own account: profile, password, deletion.

/**
 * Updates the caller's profile. A new email needs a recent sign-in (403
 * `reauthentication_required`), is claimed through its key document (409 `email_taken` if
 * someone has it), starts unverified and is sent a verification link.
 */
export async function updateProfile(auth: Actor, input: UpdateProfileInput): Promise<Me> {
  const userId = auth.userId
  const { user, emailChanged, changed, displayNameChanged } = await withLock(`user:${userId}`, async () => {
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
        // A new address can reset the password: only a recent sign-in may set it.
        requireRecentSignIn(auth)
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
      ? await UserModel.findByIdAndUpdate(userId, { $set: set }, { returnDocument: 'after' }).lean<UserRecord>()
      : current
    if (!updated) throw apiError('unauthorized')
    return { user: updated, emailChanged, changed: Object.keys(set).length > 0, displayNameChanged: set.displayName !== undefined && set.displayName !== current.displayName }
  })
  if (emailChanged) void sendVerificationMail(user)
  // A new name is for everyone who shares a chat; any other change for the person's own
  // apps, which read their account again (a settings tab open elsewhere follows it).
  if (displayNameChanged) await announceNewProfile(user)
  else if (changed) await announceOwnAccount(user)
  return toMe(user, presenceOf(user))
}

/**
 * Deletes the account: its sessions (sockets closed), key documents, mail tokens and the
 * user document. Messages stay; a sender without a user document shows as deleted.
 */
export async function deleteAccount(auth: Actor, password: string | undefined, origin: RequestOrigin): Promise<void> {
  // Guests have no password; everyone else confirms with theirs.
  if (auth.user.passwordHash) {
    if (password === undefined) {
      throw apiError('validation_failed', 'Enter your password to delete the account.', { issues: [{ path: ['password'], message: 'Enter your password', code: 'invalid_type' }] })
    }
    await confirmPassword(auth, password, origin)
  }
  const userId = auth.userId
  // As with removing one's own admin role (directory.ts): a site always keeps an admin who can act.
  if (auth.user.role === 'admin' && !(await UserModel.exists({ role: 'admin', banned: { $ne: true }, _id: { $ne: auth.user._id } }))) {
    throw apiError('conflict', 'You are the only admin: make someone else an admin first.')
  }
  // Whom to tell, read before the chat list is forgotten (forgetDeletedUser erases it).
  const chatIds = await userChatIds(userId)
  await revokeAllSessions(userId, 'account-deleted')
  const deleted = await withLock(`user:${userId}`, async () => {
    const user = await findUser(userId)
    if (!user) return false
    await UserModel.deleteOne({ _id: user._id })
    const sessionIds = (await SessionModel.find({ userId: user._id }, { _id: 1 }).lean()).map(session => session._id)
    await Promise.all([
      UserKeyModel.deleteOne({ _id: usernameKey(user.username), userId: user._id }),
      user.emailLower ? UserKeyModel.deleteOne({ _id: emailKey(user.emailLower), userId: user._id }) : null,
      SessionModel.deleteMany({ userId: user._id }),
      RefreshTokenModel.deleteMany({ sessionId: { $in: sessionIds } }),
      AccountTokenModel.deleteMany({ userId: user._id }),
      TwoFactorModel.deleteOne({ _id: String(user._id) }),
      PasskeyModel.deleteMany({ userId: user._id }),
      KnownBrowsersModel.deleteOne({ _id: user._id }),
    ])
    return true
  })
  // The people it shared chats with see "Deleted user", offline, at once (and stop sending to it).
  if (deleted) await announceDeletedAccount(userId, chatIds)
  // It leaves its groups and channels; its direct chats stay for the other person.
  forgetDeletedUser(userId).catch((error: unknown) => logger.warn('leaving chats of a deleted account failed', { error: errorName(error) }))
  forgetUser(userId).catch((error: unknown) => logger.warn('ending push subscriptions failed', { error: errorName(error) }))
}

export async function changePassword(auth: Actor, input: ChangePasswordInput, origin: RequestOrigin): Promise<void> {
  await confirmPassword(auth, input.currentPassword, origin)
  const passwordHash = await hashPassword(input.newPassword)
  await UserModel.updateOne({ _id: auth.user._id }, { $set: { passwordHash } })
  await revokeAllSessions(auth.userId, 'password-changed', auth.sessionId)
}
