import type { Model, Types } from 'mongoose'
import type { User } from '#shared/types/api'
import { deletedSender, loadUsersByIds, toSender as senderOf, toUser } from '../dto/users'
import { UserModel, usernameKey, UserKeyModel, type UserRecord } from '../models/user'

// The chat services' view of accounts: users loaded by `_id` in parallel, rendered by the
// accounts DTOs. A missing user is a deleted account.
export type PersonRecord = UserRecord

export async function loadPeople(ids: Iterable<string>): Promise<Map<string, PersonRecord | null>> {
  const unique = [...new Set(ids)]
  const found = await loadUsersByIds(unique)
  return new Map(unique.map(id => [id, found.get(id) ?? null]))
}

export async function loadPerson(id: string): Promise<PersonRecord | null> {
  return (await loadPeople([id])).get(id) ?? null
}

export function toSender(id: string, person: PersonRecord | null | undefined) {
  return person ? senderOf(id, person) : deletedSender(id)
}

export function toPublicUser(person: PersonRecord): User {
  return toUser(person)
}

/** A stand-in for a deleted account where a whole User is expected. */
export function deletedUser(id: string): User {
  return { id, username: 'deleted', displayName: 'Deleted user', role: 'user', createdAt: new Date(0).toISOString(), online: false, lastSeenAt: null }
}

/** By name, case-insensitively: one `_id` lookup of the username key, then the user. */
export async function findPersonByUsername(username: string): Promise<PersonRecord | null> {
  const keys = UserKeyModel as unknown as Model<{ _id: string, userId: Types.ObjectId }>
  const key = await keys.findById(usernameKey(username)).lean().exec()
  return key ? loadPerson(String(key.userId)) : null
}

export async function persistLastSeen(userId: string, at: Date): Promise<void> {
  await UserModel.updateOne({ _id: userId }, { $set: { lastSeenAt: at } }).exec()
}
