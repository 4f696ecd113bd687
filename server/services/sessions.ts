import type { Types } from 'mongoose'
import type { AuthResult, RefreshResult } from '../../shared/types/api'
import { toMe } from '../dto/users'
import { SessionModel, UserModel, type SessionRecord, type UserRecord } from '../models'
import { emitDomainEvent } from '../utils/domain-events'
import { apiError } from '../utils/errors'
import { withLock } from '../utils/lock'
import { formatRefreshToken, hashSecret, parseRefreshToken, randomSecret, REFRESH_TOKEN_TTL_MS, sameHash, signAccessToken } from '../utils/tokens'

/** A racing tab may present the token another tab just rotated for this long. */
export const REFRESH_GRACE_MS = 10_000
/** Live refresh secrets per session (more than one only after tabs raced). */
const MAX_LIVE_SECRETS = 4
/** Rotated secrets remembered to recognise a replay. */
const MAX_RETIRED_SECRETS = 32

export interface IssuedTokens {
  accessToken: string
  accessTokenExpiresAt: Date
  refreshToken: string
}

export async function createSession(userId: Types.ObjectId | string, userAgent: string | null): Promise<{ session: SessionRecord, tokens: IssuedTokens }> {
  const secret = randomSecret()
  const now = new Date()
  const created = await SessionModel.create({
    userId,
    refreshHashes: [hashSecret(secret)],
    userAgent,
    lastUsedAt: now,
    expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS),
  })
  const session = created.toObject() as SessionRecord
  const sessionId = String(session._id)
  const access = await signAccessToken({ userId: String(userId), sessionId })
  return { session, tokens: { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken: formatRefreshToken(sessionId, secret) } }
}

export function authResult(user: UserRecord, session: SessionRecord, tokens: IssuedTokens): AuthResult {
  return {
    user: toMe(user),
    sessionId: String(session._id),
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString(),
  }
}

/**
 * Rotates a refresh token (under the session's lock: the embedded engine's
 * read-modify-write is not atomic). A token rotated less than 10 s ago is a racing
 * tab and gets a working token of its own; older than that it is a replay, and the whole
 * session is revoked (401 `token_reused`).
 */
export async function refreshSession(refreshToken: string | undefined): Promise<{ result: RefreshResult, refreshToken: string }> {
  const parsed = parseRefreshToken(refreshToken)
  if (!parsed) throw apiError('unauthorized')
  const { sessionId, secret } = parsed
  const presented = hashSecret(secret)

  const outcome = await withLock(`session:${sessionId}`, async () => {
    const session = await SessionModel.findById(sessionId).lean<SessionRecord>()
    const now = Date.now()
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now) return { kind: 'dead' as const }
    const user = await UserModel.findById(session.userId).lean<UserRecord>()
    if (!user || user.banned) return { kind: 'dead' as const }

    const live = session.refreshHashes.some(hash => sameHash(hash, presented))
    const retired = session.retiredHashes.find(entry => sameHash(entry.hash, presented))
    if (!live && !retired) return { kind: 'dead' as const }
    if (!live && retired && retired.graceUntil.getTime() <= now) {
      await revokeSessionDocument(session._id, 'token_reused')
      return { kind: 'reused' as const, userId: String(session.userId) }
    }

    const nextSecret = randomSecret()
    const nextHash = hashSecret(nextSecret)
    const refreshHashes = [...session.refreshHashes.filter(hash => !sameHash(hash, presented)), nextHash].slice(-MAX_LIVE_SECRETS)
    const retiredHashes = live
      ? [...session.retiredHashes, { hash: presented, graceUntil: new Date(now + REFRESH_GRACE_MS) }].slice(-MAX_RETIRED_SECRETS)
      : session.retiredHashes
    await SessionModel.updateOne({ _id: session._id }, { $set: { refreshHashes, retiredHashes, lastUsedAt: new Date(now) } })
    return { kind: 'rotated' as const, userId: String(session.userId), nextSecret }
  })

  if (outcome.kind === 'dead') throw apiError('unauthorized')
  if (outcome.kind === 'reused') {
    emitDomainEvent('sessions.revoked', { userId: outcome.userId, sessionIds: [sessionId] })
    throw apiError('token_reused')
  }
  const access = await signAccessToken({ userId: outcome.userId, sessionId })
  return {
    result: { accessToken: access.token, accessTokenExpiresAt: access.expiresAt.toISOString(), sessionId },
    refreshToken: formatRefreshToken(sessionId, outcome.nextSecret),
  }
}

async function revokeSessionDocument(sessionId: Types.ObjectId | string, reason: string): Promise<void> {
  await SessionModel.updateOne(
    { _id: sessionId },
    { $set: { revokedAt: new Date(), revokedReason: reason, refreshHashes: [] } },
  )
}

/** Revokes one of the user's sessions; false when it is not theirs or already gone. */
export async function revokeSession(userId: string, sessionId: string, reason = 'revoked'): Promise<boolean> {
  const session = await SessionModel.findById(sessionId).lean<SessionRecord>()
  if (!session || String(session.userId) !== userId || session.revokedAt) return false
  await withLock(`session:${sessionId}`, () => revokeSessionDocument(sessionId, reason))
  emitDomainEvent('sessions.revoked', { userId, sessionIds: [sessionId] })
  return true
}

/** The user's live sessions, newest first (a scan by userId: not a hot path). */
export async function listLiveSessions(userId: string): Promise<SessionRecord[]> {
  const sessions = await SessionModel.find({ userId, revokedAt: null }).sort({ createdAt: -1 }).lean<SessionRecord[]>()
  const now = Date.now()
  return sessions.filter(session => session.expiresAt.getTime() > now)
}

/** Revokes every live session of the user except `keepSessionId`. */
export async function revokeAllSessions(userId: string, reason: string, keepSessionId?: string): Promise<string[]> {
  const sessions = await SessionModel.find({ userId, revokedAt: null }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()
  const revoked = sessions.map(session => String(session._id)).filter(id => id !== keepSessionId)
  await Promise.all(revoked.map(id => withLock(`session:${id}`, () => revokeSessionDocument(id, reason))))
  if (revoked.length > 0) emitDomainEvent('sessions.revoked', { userId, sessionIds: revoked })
  return revoked
}

/** Deletes sessions that expired, and revoked ones after a day (the periodic sweep). */
export async function sweepSessions(now = new Date()): Promise<number> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000)
  const { deletedCount } = await SessionModel.deleteMany({ $or: [{ expiresAt: { $lt: now } }, { revokedAt: { $lt: dayAgo } }] })
  return deletedCount ?? 0
}
