import { isValidObjectId, type Types } from 'mongoose'
import type { User } from '#shared/types/api'
import { deletedUser, toUser } from '../../dto/users'
import { emailKey, loadById, mapByIds, UserKeyModel, UserModel, usernameKey, type UserRecord } from '../../models'
import { apiError } from '../../utils/errors'
import { userChatIds } from '../chats/chat-list'
import { announceOwnAccountChanged, announceUserChanged, presenceOf } from '../realtime'
import { chatTopic, publish } from '../realtime/bus'

// Users as every other domain reads them: by `_id` (a missing user is a deleted account),
// by a username or email key, and rendered as others see them (with presence).

export async function findUser(id: string): Promise<UserRecord | null> {
  if (!isValidObjectId(id)) return null
  return loadById<UserRecord>(UserModel, id)
}

/**
 * Users by id: one `$in` command (docs/database.md). Every id is in the map; a deleted
 * account (or an id that is none) maps to null.
 */
export async function loadUsers(ids: Iterable<string>): Promise<Map<string, UserRecord | null>> {
  const unique = [...new Set([...ids].map(String))]
  const users = await mapByIds<UserRecord>(UserModel, unique.filter(id => isValidObjectId(id)))
  return new Map(unique.map(id => [id, users.get(id) ?? null]))
}

/** By a username or email key document: one `_id` lookup of the key, then the user. */
async function findUserByKey(key: string): Promise<UserRecord | null> {
  const entry = await loadById<{ userId: Types.ObjectId }>(UserKeyModel, key)
  return entry ? findUser(String(entry.userId)) : null
}

/** By name, case-insensitively. */
export function findUserByUsername(username: string): Promise<UserRecord | null> {
  return findUserByKey(usernameKey(username))
}

/** By what a person types to log in: an email address or a username. */
export function findUserByLogin(login: string): Promise<UserRecord | null> {
  return findUserByKey(login.includes('@') ? emailKey(login) : usernameKey(login))
}

/** A user as others see it, with presence; the stand-in when the account is gone. */
export function publicUser(id: string, user: UserRecord | null | undefined): User {
  return user ? toUser(user, presenceOf(user)) : deletedUser(id)
}

export async function getUser(id: string): Promise<User> {
  const user = await findUser(id)
  if (!user) throw apiError('not_found')
  return publicUser(id, user)
}

/** When the user's last socket closed (presence writes it once, not per socket). */
export async function persistLastSeen(userId: string, at: Date): Promise<void> {
  await UserModel.updateOne({ _id: userId }, { $set: { lastSeenAt: at } }).exec()
}

/** A new display name, role or suspension (a ban or its end), told to the user's sockets and apps and to everyone who shares a chat with them. */
export async function announceNewProfile(user: UserRecord): Promise<void> {
  const userId = String(user._id)
  await announceUserChanged(toUser(user, presenceOf(user)), await userChatIds(userId))
}

/** A change of the account only its owner sees (the email confirmed), told to their own apps. */
export async function announceOwnAccount(user: UserRecord): Promise<void> {
  await announceOwnAccountChanged(toUser(user, presenceOf(user)))
}

/**
 * A deleted account, told to everyone who shared one of `chatIds` with it (read before its
 * chat list is forgotten): `user.updated` with the "Deleted user" stand-in, and `presence`
 * offline at once, not after the grace (its sockets were closed on purpose, and a deleted
 * guest's name can be someone else's a moment later). tests/api/account-deletion.test.ts.
 */
export async function announceDeletedAccount(userId: string, chatIds: string[]): Promise<void> {
  const gone = deletedUser(userId)
  await announceUserChanged(gone, chatIds)
  if (chatIds.length === 0) return
  await publish({ topics: chatIds.map(chatTopic), event: { type: 'presence', userId, online: false, lastSeenAt: gone.lastSeenAt } })
}
