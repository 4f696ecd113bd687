import { getRequestHeader } from 'h3'
import { apiError } from '../utils/errors'
import { assertTrustedOrigin, readAccessToken } from '../utils/auth'
import { serverConfig } from '../utils/config'
import { logger } from '../utils/logger'
import { UPLOAD_PATH } from '../utils/upload-body'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * What a page on another site can make a browser send: a form, whose body is urlencoded,
 * multipart or text/plain, with the person's cookies. A login accepted that way signed the
 * person in to the attacker's account (login CSRF), so, before any work:
 * - every unsafe request not authenticated by Bearer (signed in by cookie or not signed in:
 *   login, register, guest, password reset...) obeys the Origin rule, 403 `forbidden_origin`;
 * - a body on a JSON route (all but an upload's) must say `application/json`, else 400.
 * docs/api-accounts.md ("CSRF") says why; tests/api/cross-site-forms.test.ts proves it.
 */
export default defineEventHandler((event) => {
  if (!UNSAFE_METHODS.has(event.method) || !event.path.startsWith('/api/')) return
  const headers = event.node.req.headers
  // A Bearer header is something no form and no cross-site fetch without CORS can send.
  if (readAccessToken(headers)?.via !== 'bearer') {
    try {
      assertTrustedOrigin(headers)
    }
    catch (error) {
      warnRefusedOrigin(headers.origin)
      throw error
    }
  }
  if (event.method === 'POST' && UPLOAD_PATH.test(event.path)) return
  if (hasBody(event) && !isJson(getRequestHeader(event, 'content-type'))) {
    throw apiError('validation_failed', 'The request body must be JSON, sent with Content-Type: application/json.')
  }
})

const REFUSED_ORIGIN_WARN_MS = 60_000
const lastWarned = new Map<string, number>()

/**
 * A deploy whose NUXT_PUBLIC_APP_URL or NUXT_ALLOWED_ORIGINS misses the address people
 * open answered every sign-up 403 and logged only the status: one warn line per refused
 * origin and minute names it and the allowed ones (origins are no secret), so the
 * mismatch can be found. tests/api/config-boot.test.ts proves it.
 */
function warnRefusedOrigin(origin: string | undefined, now = Date.now()) {
  if (!origin) return
  const shown = origin.slice(0, 200)
  if (now - (lastWarned.get(shown) ?? -Infinity) < REFUSED_ORIGIN_WARN_MS) return
  if (lastWarned.size >= 100) lastWarned.clear()
  lastWarned.set(shown, now)
  const { appOrigin, allowedOrigins } = serverConfig()
  logger.warn('refused a request from an origin that is not allowed (NUXT_PUBLIC_APP_URL, NUXT_ALLOWED_ORIGINS)', { origin: shown, allowed: [appOrigin, ...allowedOrigins].join(', ') })
}

function hasBody(event: Parameters<typeof getRequestHeader>[0]): boolean {
  const declared = Number.parseInt(getRequestHeader(event, 'content-length') ?? '', 10)
  return declared > 0 || /\bchunked\b/i.test(getRequestHeader(event, 'transfer-encoding') ?? '')
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json'
}
