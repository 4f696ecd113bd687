import type { AdminUser, Me, MessageSender, Session, User, UserRole } from '#shared/types/api'
import { UserModel, type SessionRecord, type UserRecord } from '../models'
import { getPresence } from '../services/presence'

// Users and sessions become wire objects here, and only here.

/** The fields a User DTO reads: a lean user document (or a hydrated one). */
export type UserLike = Pick<UserRecord, '_id' | 'username' | 'displayName' | 'role' | 'createdAt' | 'lastSeenAt'>
  & Partial<Pick<UserRecord, 'email' | 'emailVerified' | 'country' | 'age' | 'bio' | 'banned'>>

export function toUser(user: UserLike): User {
  const id = String(user._id)
  const presence = getPresence(id, user.lastSeenAt ?? null)
  return {
    id,
    username: user.username,
    displayName: user.displayName || user.username,
    role: user.role as UserRole,
    createdAt: new Date(user.createdAt).toISOString(),
    online: presence.online,
    lastSeenAt: presence.lastSeenAt ? new Date(presence.lastSeenAt).toISOString() : null,
  }
}

export function toMe(user: UserLike): Me {
  return {
    ...toUser(user),
    email: user.email ?? null,
    emailVerified: !!user.emailVerified,
    country: user.country ?? null,
    age: user.age ?? null,
    bio: user.bio ?? null,
  }
}

export function toAdminUser(user: UserLike): AdminUser {
  return { ...toMe(user), banned: !!user.banned }
}

/** What a message shows for its sender; a deleted account (no document) is "deleted". */
export function toSender(userId: string, user: Pick<UserRecord, 'username' | 'displayName'> | null | undefined): MessageSender {
  if (!user) return deletedSender(userId)
  return { id: userId, username: user.username, displayName: user.displayName || user.username }
}

export function deletedSender(userId: string): MessageSender {
  return { id: userId, username: 'deleted', displayName: 'Deleted user' }
}

export function toSession(session: Pick<SessionRecord, '_id' | 'createdAt' | 'lastUsedAt' | 'expiresAt' | 'userAgent'>, currentSessionId: string): Session {
  const id = String(session._id)
  return {
    id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    userAgent: session.userAgent ?? null,
    current: id === currentSessionId,
  }
}

const LOAD_CONCURRENCY = 32
const isObjectIdString = (id: string) => /^[0-9a-f]{24}$/i.test(id)

/**
 * Loads users by id with parallel `findById` (the embedded engine only indexes `_id`
 * equality; `$in` would scan), at most LOAD_CONCURRENCY at a time. Missing ids (deleted
 * accounts) are absent from the map.
 */
export async function loadUsersByIds(ids: Iterable<string>): Promise<Map<string, UserRecord>> {
  const unique = [...new Set([...ids].map(String))].filter(isObjectIdString)
  const found = new Map<string, UserRecord>()
  for (let start = 0; start < unique.length; start += LOAD_CONCURRENCY) {
    const batch = unique.slice(start, start + LOAD_CONCURRENCY)
    const users = await Promise.all(batch.map(id => UserModel.findById(id).lean<UserRecord>()))
    users.forEach((user, index) => {
      if (user) found.set(batch[index]!, user)
    })
  }
  return found
}
