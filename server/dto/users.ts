import type { AdminUser, Me, MessageSender, Passkey, Session, User } from '#shared/types/api'
import type { PasskeyRecord, SessionRecord, UserRecord } from '../models'
import { mustSetUpTwoFactor, twoFactorEnforcedFor } from '../utils/auth'

// Users, sessions and passkeys become wire objects here, and only here, from documents already
// loaded; presence comes from the realtime core (services/realtime/presence.ts).

/** The fields a User DTO reads: a lean user document (or a hydrated one). */
export type UserLike = Pick<UserRecord, '_id' | 'username' | 'displayName' | 'role' | 'createdAt' | 'lastSeenAt'>
  & Partial<Pick<UserRecord, 'email' | 'emailVerified' | 'country' | 'age' | 'bio' | 'banned' | 'twoFactorEnabled'>>

export interface Presence {
  online: boolean
  lastSeenAt: Date | null
}

export function toUser(user: UserLike, presence: Presence): User {
  return {
    id: String(user._id),
    username: user.username,
    displayName: user.displayName || user.username,
    role: user.role,
    createdAt: new Date(user.createdAt).toISOString(),
    online: presence.online,
    lastSeenAt: presence.lastSeenAt ? new Date(presence.lastSeenAt).toISOString() : null,
    // Only that the account is banned, never why or since when (docs/api-accounts.md).
    ...(user.banned ? { suspended: true as const } : {}),
  }
}

export function toMe(user: UserLike, presence: Presence): Me {
  return {
    ...toUser(user, presence),
    email: user.email ?? null,
    emailVerified: !!user.emailVerified,
    country: user.country ?? null,
    age: user.age ?? null,
    bio: user.bio ?? null,
    twoFactorEnabled: !!user.twoFactorEnabled,
    twoFactorEnforced: twoFactorEnforcedFor(user),
    twoFactorSetupRequired: mustSetUpTwoFactor(user),
  }
}

export function toAdminUser(user: UserLike, presence: Presence): AdminUser {
  return { ...toMe(user, presence), banned: !!user.banned }
}

/** A stand-in for a deleted account where a whole User is expected. */
export function deletedUser(id: string): User {
  return { id, username: 'deleted', displayName: 'Deleted user', role: 'user', createdAt: new Date(0).toISOString(), online: false, lastSeenAt: null }
}

/** What a message shows for its sender; a deleted account (no document) is "deleted". */
export function toSender(userId: string, user: Pick<UserRecord, 'username' | 'displayName'> | null | undefined): MessageSender {
  if (!user) return { id: userId, username: 'deleted', displayName: 'Deleted user' }
  return { id: userId, username: user.username, displayName: user.displayName || user.username }
}

export function toSession(session: Pick<SessionRecord, '_id' | 'createdAt' | 'lastUsedAt' | 'expiresAt' | 'userAgent' | 'browser' | 'os' | 'ip' | 'method'>, currentSessionId: string): Session {
  const id = String(session._id)
  return {
    id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    userAgent: session.userAgent ?? null,
    browser: session.browser ?? null,
    os: session.os ?? null,
    ip: session.ip ?? null,
    method: session.method ?? null,
    current: id === currentSessionId,
  }
}

export function toPasskey(passkey: Pick<PasskeyRecord, '_id' | 'name' | 'createdAt' | 'lastUsedAt' | 'deviceType'>): Passkey {
  return {
    id: passkey._id,
    name: passkey.name,
    createdAt: passkey.createdAt.toISOString(),
    lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
    synced: passkey.deviceType === 'multiDevice',
  }
}
