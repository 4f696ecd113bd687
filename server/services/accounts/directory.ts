import type { AdminUser, Page, User } from '#shared/types/api'
import type { AdminUpdateUserInput } from '#shared/schemas/users'
import { toAdminUser, toUser } from '../../dto/users'
import { UserKeyModel, UserModel, usernameKey, type UserRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { decodeCursor, encodeCursor } from '../../utils/cursor'
import { apiError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { logger } from '../../utils/logger'
import { escapeRegex } from '../../utils/regex'
import { presenceOf } from '../realtime'
import { revokeAllSessions } from './sessions'
import { announceNewProfile, findUser } from './users'

// The user directory (everyone's search) and the admin's view and changes of users.

export type DirectoryQuery = { q?: string, ids?: string[], limit: number, cursor?: string }

// The prefix rule of every people search, twice: as the engine's query, and in memory for
// people already loaded (a group's members, chats/member-search.ts). Kept side by side so
// that they cannot drift apart: the username's lower case, the display name without case.
function prefixConditions(q: string, includeEmail: boolean): Record<string, unknown>[] {
  const lowerPrefix = `^${escapeRegex(q.toLowerCase())}`
  const conditions: Record<string, unknown>[] = [
    { usernameLower: { $regex: lowerPrefix } },
    { displayName: { $regex: `^${escapeRegex(q)}`, $options: 'i' } },
  ]
  if (includeEmail) conditions.push({ emailLower: { $regex: lowerPrefix } })
  return conditions
}

/** Whether a person loaded already matches a people search for `q` (as prefixConditions). */
export function matchesPeopleSearch(q: string): (user: Pick<UserRecord, 'usernameLower' | 'displayName'>) => boolean {
  const lower = q.toLowerCase()
  const displayPrefix = new RegExp(`^${escapeRegex(q)}`, 'iu')
  return user => user.usernameLower.startsWith(lower) || displayPrefix.test(user.displayName)
}

/**
 * The user directory: a prefix match on username or display name (case-insensitive,
 * the query escaped), in username order, paged by the last username seen (the cursor of
 * every list, utils/cursor.ts: one that does not decode starts the list); `ids` keeps
 * only those users (one `$in` on `_id`). A scan on the
 * embedded engine, which a directory search may be.
 */
export async function searchUsers(query: DirectoryQuery, includeEmail = false): Promise<{ users: UserRecord[], nextCursor: string | null }> {
  const after = decodeCursor(query.cursor)?.name
  const conditions: Record<string, unknown>[] = []
  if (query.ids) conditions.push({ _id: { $in: query.ids } })
  if (query.q) conditions.push({ $or: prefixConditions(query.q, includeEmail) })
  if (after) conditions.push({ usernameLower: { $gt: after } })
  const filter = conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0]! : { $and: conditions }
  const users = await UserModel.find(filter).sort({ usernameLower: 1 }).limit(query.limit + 1).lean<UserRecord[]>()
  const page = users.slice(0, query.limit)
  const nextCursor = users.length > query.limit ? encodeCursor({ name: page.at(-1)!.usernameLower, id: String(page.at(-1)!._id) }) : null
  return { users: page, nextCursor }
}

export async function listUsers(query: DirectoryQuery): Promise<Page<User>> {
  const { users, nextCursor } = await searchUsers(query, false)
  return { items: users.map(user => toUser(user, presenceOf(user))), nextCursor }
}

export async function listUsersForAdmin(query: DirectoryQuery): Promise<Page<AdminUser>> {
  const { users, nextCursor } = await searchUsers(query, true)
  return { items: users.map(user => toAdminUser(user, presenceOf(user))), nextCursor }
}

/**
 * An admin changes a role or bans. Banning revokes every session of the user (their
 * sockets close); role changes apply on the user's next request. Either is told to
 * everyone who shares a chat with them (`user.updated`: a new role, `suspended`).
 */
export async function adminUpdateUser(admin: Actor, targetId: string, input: AdminUpdateUserInput): Promise<AdminUser> {
  if (targetId === admin.userId && (input.banned === true || input.role === 'user')) {
    throw apiError('conflict', 'You cannot ban yourself or remove your own admin role.')
  }
  const { user, banned, change } = await withLock(`user:${targetId}`, async () => {
    const current = await findUser(targetId)
    if (!current) throw apiError('not_found')
    if (input.role !== undefined && current.role === 'guest') {
      throw apiError('conflict', 'Guest accounts cannot change role.')
    }
    const set: Record<string, unknown> = {}
    if (input.role !== undefined && input.role !== current.role) set.role = input.role
    if (input.banned !== undefined && input.banned !== current.banned) set.banned = input.banned
    const updated = Object.keys(set).length > 0
      ? await UserModel.findByIdAndUpdate(targetId, { $set: set }, { returnDocument: 'after' }).lean<UserRecord>()
      : current
    if (!updated) throw apiError('not_found')
    return { user: updated, banned: set.banned === true, change: set }
  })
  const profileChanged = Object.keys(change).length > 0
  // The audit line of an admin's action: who, on whom, what changed (docs/deploy.md, "Logs").
  if (profileChanged) logger.info('admin changed an account', { actorId: String(admin.userId), targetId, change })
  if (banned) await revokeAllSessions(targetId, 'banned')
  // A ban or its end shows as `suspended` wherever the person is shown, as a new role does.
  if (profileChanged) await announceNewProfile(user)
  return toAdminUser(user, presenceOf(user))
}

/**
 * Makes the accounts named in NUXT_ADMIN_USERNAMES admins (and lifts a ban), at each boot.
 * One line says whom it promoted. A name that has no account is warned about at every boot:
 * whoever registers it next would be made admin at the following restart.
 */
export async function promoteConfiguredAdmins(): Promise<void> {
  const names = serverConfig().adminUsernames
  if (names.length === 0) return
  const keys = await UserKeyModel.find({ _id: { $in: names.map(usernameKey) } }).lean()
  const ids = keys.map(key => key.userId)
  const users = await UserModel.find({ _id: { $in: ids }, role: { $ne: 'guest' } }, { _id: 1, role: 1, banned: 1 }).lean()
  const toPromote = users.filter(user => user.role !== 'admin' || user.banned).map(user => user._id)
  if (toPromote.length > 0) await UserModel.updateMany({ _id: { $in: toPromote } }, { $set: { role: 'admin', banned: false } })
  logger.info('NUXT_ADMIN_USERNAMES applied', { named: names.length, found: users.length, promoted: toPromote.length })
  const held = new Set(keys.map(key => key._id))
  const unheld = names.filter(name => !held.has(usernameKey(name)))
  if (unheld.length > 0) logger.warn('NUXT_ADMIN_USERNAMES names accounts that do not exist: whoever registers one becomes admin at the next restart; remove the setting', { names: unheld })
}
