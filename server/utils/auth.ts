import type { IncomingHttpHeaders } from 'node:http'
import { getRequestHeader, type H3Event } from 'h3'
import { EXPECTED_USER_HEADER, type UserRole } from '#shared/types/api'
import { objectIdSchema } from '#shared/schemas/common'
import type { SessionRecord, UserRecord } from '../models'
import { authenticateAccessToken } from '../services/accounts/sessions'
import { ACCESS_COOKIE } from './auth-cookies'
import { clientIp } from './client-ip'
import { apiError } from './errors'
import { originOf, serverConfig } from './config'

/**
 * Who is acting: the authenticated user behind a request or a socket. Services that only
 * need the identity take `Pick<Actor, 'userId' | 'role'>`.
 */
export interface Actor {
  userId: string
  sessionId: string
  role: UserRole
  /** The user's stored document (plain object), as the DTOs need it. */
  user: UserRecord
  session: SessionRecord
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

type HeaderBag = IncomingHttpHeaders | Headers | Record<string, string | string[] | undefined>

function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const value = (headers as Record<string, string | string[] | undefined>)[name]
  return Array.isArray(value) ? value[0] : value
}

function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  return match ? match[1]! : null
}

function cookieValue(cookieHeader: string | undefined, name: string): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const index = part.indexOf('=')
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim())
      }
      catch {
        return null
      }
    }
  }
  return null
}

/**
 * The access token of a request given by its headers (the WebSocket upgrade has no h3
 * event): the Bearer header wins over the `chat_access` cookie.
 */
export function readAccessToken(headers: HeaderBag): { token: string, via: 'bearer' | 'cookie' } | null {
  const bearer = bearerToken(headerValue(headers, 'authorization'))
  if (bearer) return { token: bearer, via: 'bearer' }
  const cookie = cookieValue(headerValue(headers, 'cookie'), ACCESS_COOKIE)
  return cookie ? { token: cookie, via: 'cookie' } : null
}

/** True when `origin` is the app's own origin or listed in NUXT_ALLOWED_ORIGINS. */
export function isOriginAllowed(origin: string): boolean {
  const normalized = originOf(origin)
  if (!normalized) return false
  const { appOrigin, allowedOrigins } = serverConfig()
  return normalized === appOrigin || allowedOrigins.includes(normalized)
}

/**
 * CSRF for cookie-authenticated unsafe requests: a present `Origin` must be allowed;
 * with no `Origin`, `Sec-Fetch-Site: cross-site` is refused. Clients that send neither
 * (bots, curl) are not browsers, so there is nothing to forge.
 */
export function assertTrustedOrigin(headers: HeaderBag): void {
  const origin = headerValue(headers, 'origin')
  if (origin !== undefined) {
    if (!isOriginAllowed(origin)) throw apiError('forbidden_origin')
    return
  }
  if (headerValue(headers, 'sec-fetch-site')?.toLowerCase() === 'cross-site') throw apiError('forbidden_origin')
}

/**
 * The account the client says it acts for (`X-Expected-User`, a browser tab's shown
 * person), when it says one: a request authenticated as anyone else is refused with 409
 * `account_changed`, so a tab never acts for the account another tab of the same browser
 * signed in meanwhile (their cookies are shared; docs/api-accounts.md, "One account per
 * browser"). Without the header, nothing is checked.
 */
export function assertExpectedUser(expected: string | null | undefined, userId: string): void {
  const named = parseExpectedUser(expected)
  if (named && named !== userId) throw apiError('account_changed')
}

/** The account a request names (the header, or the upgrade's query): a user id, or none said. */
export function parseExpectedUser(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const parsed = objectIdSchema.safeParse(value)
  if (!parsed.success) throw apiError('validation_failed', `${EXPECTED_USER_HEADER} must be a user id.`)
  return parsed.data
}

/** The server requires two-factor of this account (NUXT_REQUIRE_2FA): every account but a guest's. */
export function twoFactorEnforcedFor(user: { role: string }): boolean {
  return serverConfig().requireTwoFactor && user.role !== 'guest'
}

/**
 * True when the server requires two-factor (NUXT_REQUIRE_2FA) and this account has not
 * turned it on. Guests cannot turn it on and are not asked to (docs/security.md).
 */
export function mustSetUpTwoFactor(user: { role: string, twoFactorEnabled?: boolean | null }): boolean {
  return twoFactorEnforcedFor(user) && !user.twoFactorEnabled
}

export interface RequireUserOptions {
  /**
   * The route is one of the few an account that must still set up two-factor may use
   * (its profile, the setup itself, its sessions, signing out); every other route answers
   * it 403 `two_factor_setup_required`.
   */
  duringTwoFactorSetup?: boolean
}

/**
 * The one authentication of HTTP routes: 401 `unauthorized` without a live session, 403
 * `two_factor_setup_required` while the account must set up two-factor first.
 */
export async function requireUser(event: H3Event, options: RequireUserOptions = {}): Promise<Actor> {
  let auth = event.context.auth
  if (!auth) {
    const headers = event.node.req.headers
    const found = readAccessToken(headers)
    if (!found) throw apiError('unauthorized')
    if (found.via === 'cookie' && UNSAFE_METHODS.has(event.method)) assertTrustedOrigin(headers)
    const live = await authenticateAccessToken(found.token)
    if (!live) throw apiError('unauthorized')
    event.context.auth = auth = live
  }
  assertExpectedUser(headerValue(event.node.req.headers, EXPECTED_USER_HEADER), auth.userId)
  if (!options.duringTwoFactorSetup && mustSetUpTwoFactor(auth.user)) throw apiError('two_factor_setup_required')
  return auth
}

/** Admin-only routes: 401 when signed out, 403 `forbidden` for everyone else. */
export async function requireAdmin(event: H3Event): Promise<Actor> {
  const auth = await requireUser(event)
  if (auth.role !== 'admin') throw apiError('forbidden')
  return auth
}

/** The request's User-Agent, cut to what the session list keeps. */
function userAgentOf(event: H3Event): string | null {
  const agent = getRequestHeader(event, 'user-agent')
  return agent ? agent.slice(0, 256) : null
}

/** Who is asking, for rate limits and the session list. */
export function requestOrigin(event: H3Event): { ip: string, userAgent: string | null } {
  return { ip: clientIp(event), userAgent: userAgentOf(event) }
}
