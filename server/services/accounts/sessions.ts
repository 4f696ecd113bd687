import mongoose, { isValidObjectId, type Types } from 'mongoose'
import type { AuthResult, RefreshResult, SessionEndReason, SignInMethod } from '#shared/types/api'
import { toMe } from '../../dto/users'
import { insertDocument, loadById, RefreshTokenModel, SessionModel, UserModel, type RefreshTokenRecord, type SessionRecord, type UserRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { errorName, logger } from '../../utils/logger'
import { forgetSessions } from '../push/subscriptions'
import { announceSessionsRevoked, presenceOf } from '../realtime'
import type { RequestOrigin, SignedIn } from './accounts'
import { noteSignIn, parseUserAgent } from './sign-ins'
import { formatRefreshToken, hashSecret, parseRefreshToken, randomSecret, REFRESH_TOKEN_TTL_MS, signAccessToken, verifyAccessToken } from '../../utils/tokens'

/** How stale `lastUsedAt` may get before a request refreshes it (one write per window). */
const LAST_USED_RESOLUTION_MS = 60_000

export interface IssuedTokens {
  accessToken: string
  accessTokenExpiresAt: Date
  refreshToken: string
}

/**
 * A new session, with where and how it signed in (shown in the session list), and its first
 * refresh secret: two inserts built whole and sent together, straight through the driver
 * (models/insert.ts), so the logins of a storm share their commands (docs/benchmarks.md, M7).
 */
export async function createSession(userId: Types.ObjectId | string, origin: RequestOrigin, method: SignInMethod): Promise<{ session: SessionRecord, tokens: IssuedTokens }> {
  const now = new Date()
  const session: SessionRecord = {
    _id: new mongoose.Types.ObjectId(),
    userId: typeof userId === 'string' ? new mongoose.Types.ObjectId(userId) : userId,
    userAgent: origin.userAgent,
    ...parseUserAgent(origin.userAgent),
    ip: origin.ip,
    method,
    lastUsedAt: now,
    authenticatedAt: now,
    expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS),
    revokedAt: null,
    revokedReason: null,
    createdAt: now,
  }
  const secret = randomSecret()
  // A secret whose session insert failed is never presented with it, and the sweep removes it.
  await Promise.all([
    insertDocument(SessionModel, session),
    insertDocument(RefreshTokenModel, { _id: hashSecret(secret), sessionId: session._id, graceUntil: null, expiresAt: session.expiresAt }),
  ])
  const sessionId = String(session._id)
  const access = await signAccessToken({ userId: String(session.userId), sessionId })
  return { session, tokens: { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken: formatRefreshToken(sessionId, secret) } }
}

export function authResult(user: UserRecord, session: SessionRecord, tokens: IssuedTokens): AuthResult {
  return {
    user: toMe(user, presenceOf(user)),
    sessionId: String(session._id),
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString(),
  }
}

/** Opens a session; a sign-in from a browser new to the account is mailed (see noteSignIn). */
export async function signIn(user: UserRecord, origin: RequestOrigin, method: SignInMethod, { registration = false } = {}): Promise<SignedIn> {
  const { session, tokens } = await createSession(user._id, origin, method)
  await noteSignIn(user, session, { registration })
  return { body: authResult(user, session, tokens), tokens }
}

/**
 * Why a session no longer works, or null while it is live: the one rule of a request, a
 * socket, a refresh and the session list. 'expired' past its end; else the reason it was
 * revoked with; else its user deleted or banned (a ban revokes the sessions too, and
 * applies here before that is done).
 */
export function sessionEndReason(
  session: Pick<SessionRecord, 'expiresAt' | 'revokedAt' | 'revokedReason'>,
  user: Pick<UserRecord, 'banned'> | null,
  now = Date.now(),
): 'expired' | SessionEndReason | null {
  if (session.expiresAt.getTime() <= now) return 'expired'
  if (session.revokedAt) return endReason(session.revokedReason)
  if (!user) return 'account-deleted'
  if (user.banned) return 'banned'
  return null
}

/** Notes that the session is in use, at most once a minute (the session list shows it). */
function touchSession(session: Pick<SessionRecord, '_id' | 'lastUsedAt'>, now = Date.now()): void {
  if (now - session.lastUsedAt.getTime() <= LAST_USED_RESOLUTION_MS) return
  // A plain $set (no read-modify-write): last writer wins, which is what we want.
  SessionModel.updateOne({ _id: session._id }, { $set: { lastUsedAt: new Date(now) } }).catch(() => {})
}

/**
 * The live session and user behind a token's claims: null when the session is not live
 * (sessionEndReason) or is someone else's. Two `_id` lookups, made on every authenticated
 * request, so revocation, bans and password changes apply at once.
 */
async function loadLiveSession(userId: string, sessionId: string): Promise<{ session: SessionRecord, user: UserRecord } | null> {
  if (!isValidObjectId(sessionId) || !isValidObjectId(userId)) return null
  const [session, user] = await Promise.all([
    loadById<SessionRecord>(SessionModel, sessionId),
    loadById<UserRecord>(UserModel, userId),
  ])
  if (!session || !user || String(session.userId) !== userId) return null
  if (sessionEndReason(session, user) !== null) return null
  touchSession(session)
  return { session, user }
}

/**
 * Verifies an access token (signature, `exp`, `iss`, `aud`) and that its session is live
 * and its user not banned. For HTTP (requireUser) and the WebSocket's admission (the
 * upgrade and the in-band `auth` frame).
 */
export async function authenticateAccessToken(token: string): Promise<Actor | null> {
  const claims = await verifyAccessToken(token)
  if (!claims) return null
  const live = await loadLiveSession(claims.userId, claims.sessionId)
  if (!live) return null
  return { userId: claims.userId, sessionId: claims.sessionId, role: live.user.role, user: live.user, session: live.session }
}

/** Stores a new refresh secret of the session and returns it (only its hash is kept). */
async function issueRefreshSecret(session: Pick<SessionRecord, '_id' | 'expiresAt'>): Promise<string> {
  const secret = randomSecret()
  await RefreshTokenModel.create({ _id: hashSecret(secret), sessionId: session._id, expiresAt: session.expiresAt })
  return secret
}

/**
 * Rotates a refresh token: a new secret is stored and the one presented retires. A token
 * retired less than 10 s ago is a racing tab and gets a working token of its own; older
 * than that it is a replay, and the whole session is revoked (401 `token_reused`). Every
 * secret is a document of its own, so concurrent rotations (on one instance or several)
 * never undo each other. `expectedUserId` (the `X-Expected-User` header): 409
 * `account_changed` when the session is another user's.
 */
export async function refreshSession(refreshToken: string | undefined, expectedUserId?: string): Promise<{ result: RefreshResult, refreshToken: string }> {
  const parsed = parseRefreshToken(refreshToken)
  if (!parsed) throw apiError('unauthorized')
  const { sessionId, secret } = parsed
  const presented = hashSecret(secret)

  const [session, token] = await Promise.all([
    SessionModel.findById(sessionId).lean<SessionRecord>(),
    RefreshTokenModel.findById(presented).lean<RefreshTokenRecord>(),
  ])
  if (!session || !token || !token.sessionId.equals(session._id)) throw apiError('unauthorized')
  const userId = String(session.userId)
  // A tab renewing for the person it shows, with the refresh cookie another tab's sign-in
  // replaced: refused before anything rotates (the other account's session goes on as it was),
  // and before the session's end is told: why another account's session ended (a ban) is not
  // this tab's person's to read, nor about them.
  if (expectedUserId && expectedUserId !== userId) throw apiError('account_changed')
  const user = await UserModel.findById(session.userId).lean<UserRecord>()
  const now = Date.now()
  const ended = sessionEndReason(session, user, now)
  if (ended === 'expired') throw apiError('unauthorized')
  // The holder of this session's own secret is told why it ended, so a tab that was closed
  // meanwhile can say so on /login (a ban, a password changed elsewhere), as an open one does.
  if (ended) throw apiError('unauthorized', undefined, { reason: ended })
  // Guests turned off (NUXT_GUESTS=off) end the guests already in at their next renewal
  // (within an access token's life), not only new ones: what a company turning them off wants.
  if (user?.role === 'guest' && !serverConfig().guests) throw apiError('unauthorized', undefined, { reason: 'revoked' })

  if (token.graceUntil && token.graceUntil.getTime() <= now) {
    await revokeSessionDocument(session._id, 'token-reused')
    sessionsEnded(userId, [sessionId], 'token-reused')
    throw apiError('token_reused', undefined, { reason: 'token-reused' })
  }
  const [nextSecret, access] = await Promise.all([
    issueRefreshSecret(session),
    signAccessToken({ userId, sessionId }),
    // A racing tab keeps the grace the first rotation gave, never a longer one.
    token.graceUntil ? null : RefreshTokenModel.updateOne({ _id: presented }, { $set: { graceUntil: new Date(now + serverConfig().timings.refreshGraceMs) } }),
    SessionModel.updateOne({ _id: session._id }, { $set: { lastUsedAt: new Date(now) } }),
  ])
  return {
    result: { accessToken: access.token, accessTokenExpiresAt: access.expiresAt.toISOString(), sessionId },
    refreshToken: formatRefreshToken(sessionId, nextSecret),
  }
}

/** Sessions that stop working now: their sockets close, and their push subscriptions end. */
function sessionsEnded(userId: string, sessionIds: string[], reason: SessionEndReason): void {
  announceSessionsRevoked(userId, sessionIds, reason)
  forgetSessions(userId, sessionIds).catch((error: unknown) => logger.warn('ending push subscriptions failed', { error: errorName(error) }))
}

/** Every reason a session may end for: a stored one read back is one of these, or plainly 'revoked'. */
const END_REASONS: Record<SessionEndReason, true> = {
  'signed-out': true, 'revoked': true, 'password-changed': true, 'password-reset': true, 'banned': true, 'account-deleted': true, 'token-reused': true,
}

function endReason(stored: string | null | undefined): SessionEndReason {
  return stored && Object.hasOwn(END_REASONS, stored) ? stored as SessionEndReason : 'revoked'
}

async function revokeSessionDocument(sessionId: Types.ObjectId | string, reason: SessionEndReason): Promise<void> {
  await SessionModel.updateOne(
    { _id: sessionId },
    { $set: { revokedAt: new Date(), revokedReason: reason } },
  )
}

/** Revokes one of the user's sessions; false when it is not theirs or already gone. */
export async function revokeSession(userId: string, sessionId: string, reason: SessionEndReason = 'revoked'): Promise<boolean> {
  const session = await SessionModel.findById(sessionId).lean<SessionRecord>()
  if (!session || String(session.userId) !== userId || session.revokedAt) return false
  await revokeSessionDocument(sessionId, reason)
  sessionsEnded(userId, [sessionId], reason)
  return true
}

/** The user's live sessions, newest first (a scan by userId: not a hot path). */
export async function listLiveSessions(user: UserRecord): Promise<SessionRecord[]> {
  const sessions = await SessionModel.find({ userId: user._id, revokedAt: null }).sort({ createdAt: -1 }).lean<SessionRecord[]>()
  const now = Date.now()
  return sessions.filter(session => sessionEndReason(session, user, now) === null)
}

/** Revokes every live session of the user except `keepSessionId`. */
export async function revokeAllSessions(userId: string, reason: SessionEndReason, keepSessionId?: string): Promise<string[]> {
  const sessions = await SessionModel.find({ userId, revokedAt: null }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()
  const revoked = sessions.map(session => String(session._id)).filter(id => id !== keepSessionId)
  await Promise.all(revoked.map(id => revokeSessionDocument(id, reason)))
  if (revoked.length > 0) sessionsEnded(userId, revoked, reason)
  return revoked
}

/** Deletes sessions that expired, and revoked ones after a day (the periodic sweep). */
export async function sweepSessions(now = new Date()): Promise<number> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000)
  const [sessions] = await Promise.all([
    SessionModel.deleteMany({ $or: [{ expiresAt: { $lt: now } }, { revokedAt: { $lt: dayAgo } }] }),
    RefreshTokenModel.deleteMany({ expiresAt: { $lt: now } }),
  ])
  return sessions.deletedCount ?? 0
}
