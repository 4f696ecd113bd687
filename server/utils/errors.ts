import { createError, H3Error, send, setResponseHeader, setResponseStatus, type H3Event } from 'h3'
import { ZodError } from 'zod'
import { DEFAULT_ERROR_MESSAGES, ERROR_STATUS, type ApiErrorBody, type ErrorCode, type ValidationIssue } from '#shared/errors'
import type { ErrorFrame, SessionEndReason } from '#shared/types/api'
import { errorCode, errorFrames, errorName, logger } from './logger'

// The server's one error module: every failure, HTTP or WebSocket, is an `apiError` (or
// anything else thrown) turned into the contract's body by `toApiError`. The HTTP error
// handler (server/error.ts) answers with it, the WebSocket upgrade refuses with it
// (errorResponse) and a socket's frames fail with it (errorFrame).

interface ApiErrorOptions {
  /** Overrides the code's default status (the contract answers 403 invalid_credentials in places). */
  statusCode?: number
  issues?: ValidationIssue[]
  /** Seconds, sent as the Retry-After header with 429 answers. */
  retryAfter?: number
  /** Why a session is over (a refresh's 401): told so the app can say it. */
  reason?: SessionEndReason
}

/** The one way to fail a request: `throw apiError('not_found')`. */
export function apiError(code: ErrorCode, message?: string, options: ApiErrorOptions = {}): H3Error {
  const statusCode = options.statusCode ?? ERROR_STATUS[code]
  const error = createError({
    statusCode,
    message: message ?? DEFAULT_ERROR_MESSAGES[code],
    data: { code, ...(options.issues ? { issues: options.issues } : {}), ...(options.reason ? { reason: options.reason } : {}) },
  })
  if (options.retryAfter !== undefined) {
    (error as H3Error & { retryAfter?: number }).retryAfter = Math.max(1, Math.ceil(options.retryAfter))
  }
  return error
}

type Issue = ZodError['issues'][number]
type Path = ValidationIssue['path']

export function zodIssues(error: ZodError): ValidationIssue[] {
  return error.issues.flatMap(issue => told(issue, []))
}

function told(issue: Issue, prefix: Path): ValidationIssue[] {
  const path = [...prefix, ...issue.path.map(segment => (typeof segment === 'symbol' ? String(segment) : segment))]
  if (issue.code === 'invalid_union' && issue.errors.length > 0) return toldUnion(issue.errors, path)
  return [{ path, message: issue.message, code: issue.code }]
}

/**
 * A body that fits none of a union's shapes (POST /api/chats: direct, group or channel) is
 * told as the shape its `type` names fails, as any other body is ("name: ..."), not as zod's
 * "Invalid input" for the whole (tests/api/chats-create-errors.test.ts). A shape whose literal
 * field (the `type`) did not match is not the one meant; when none is, that field is wrong.
 */
function toldUnion(branches: Issue[][], path: Path): ValidationIssue[] {
  const isLiteralMismatch = (issue: Issue) => issue.code === 'invalid_value' && issue.path.length === 1 && issue.values.length === 1
  const meant = branches.filter(branch => !branch.some(isLiteralMismatch))
  if (meant.length === 0) {
    const mismatches = branches.flat().filter(isLiteralMismatch)
    const field = mismatches[0]?.path[0]
    if (field === undefined) return [{ path, message: 'Invalid input', code: 'invalid_union' }]
    const allowed = [...new Set(mismatches.filter(issue => issue.path[0] === field).flatMap(issue => issue.code === 'invalid_value' ? issue.values.map(String) : []))]
    return [{ path: [...path, String(field)], message: `Must be one of: ${allowed.join(', ')}`, code: 'invalid_value' }]
  }
  // Two shapes of one type (a direct chat by userId or by username), each missing its one field.
  const missing = meant.map(branch => branch.length === 1 && branch[0]!.code === 'invalid_type' ? branch[0]!.path.at(-1) : undefined)
  if (meant.length > 1 && missing.every(field => field !== undefined)) {
    return [{ path, message: `Give ${missing.map(String).join(' or ')}`, code: 'invalid_type' }]
  }
  const closest = meant.reduce((best, branch) => (branch.length < best.length ? branch : best))
  return closest.flatMap(issue => told(issue, path))
}

/**
 * Maps anything thrown while serving an API request to the contract's error body.
 * Unknown errors become a bare 500: no stack, driver or mongoose text ever leaves.
 */
export function toApiError(error: unknown): { body: ApiErrorBody, retryAfter?: number } {
  // A driver failure reaches here wrapped by h3 (as its cause) or bare.
  if (isDatabaseUnavailable(error) || (error instanceof H3Error && !(error.data as { code?: string } | undefined)?.code && isDatabaseUnavailable(error.cause))) {
    return { body: { statusCode: 503, message: 'The database is not answering; try again shortly.', data: { code: 'unavailable' } }, retryAfter: 2 }
  }
  const cause = error instanceof H3Error ? error.cause : undefined
  const zodError = [error, cause, (error as H3Error | undefined)?.data].find(e => e instanceof ZodError)
  if (zodError instanceof ZodError) {
    const issues = zodIssues(zodError)
    return { body: { statusCode: 400, message: DEFAULT_ERROR_MESSAGES.validation_failed, data: { code: 'validation_failed', issues } } }
  }
  if (error instanceof H3Error) {
    const data = error.data as ApiErrorBody['data'] | undefined
    if (data?.code && data.code in ERROR_STATUS) {
      const { code, issues, reason } = data
      return {
        body: { statusCode: error.statusCode, message: error.message, data: { code, ...(issues ? { issues } : {}), ...(reason ? { reason } : {}) } },
        retryAfter: (error as H3Error & { retryAfter?: number }).retryAfter,
      }
    }
    // Errors raised by h3 or Nitro themselves (unknown route, bad method, malformed JSON...).
    const code = codeForStatus(error.statusCode)
    const message = error.statusCode < 500 ? DEFAULT_ERROR_MESSAGES[code] : DEFAULT_ERROR_MESSAGES.internal_error
    return { body: { statusCode: error.statusCode, message, data: { code } } }
  }
  return { body: { statusCode: 500, message: DEFAULT_ERROR_MESSAGES.internal_error, data: { code: 'internal_error' } } }
}

/** Answers an API request with the contract's error body (the Nitro error handler, server/error.ts). */
export function sendApiError(event: H3Event, error: H3Error): Promise<void> {
  const { body, retryAfter } = toApiError(error)
  if (body.data.code === 'unavailable') {
    logger.warn('request answered unavailable', { requestId: event.context.requestId, method: event.method, route: event.path.split('?')[0], error: errorName(error.cause ?? error), ...errorCode(error.cause ?? error) })
  }
  else if (body.statusCode >= 500) {
    logger.error('request failed', { requestId: event.context.requestId, method: event.method, route: event.path.split('?')[0], error: errorName(error.cause ?? error), at: errorFrames(error.cause ?? error) })
  }
  setResponseStatus(event, body.statusCode)
  setResponseHeader(event, 'content-type', 'application/json')
  setResponseHeader(event, 'cache-control', 'no-store')
  if (retryAfter !== undefined) setResponseHeader(event, 'retry-after', retryAfter)
  return send(event, JSON.stringify(body))
}

/** The contract's error as a plain HTTP answer, for refusing a WebSocket upgrade (`throw errorResponse(...)`). */
export function errorResponse(error: unknown): Response {
  const { body, retryAfter } = toApiError(error)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter)
  return new Response(JSON.stringify(body), { status: body.statusCode, headers })
}

/** The WebSocket `error` frame: the same code and message an HTTP answer would carry. */
export function errorFrame(id: string | undefined, error: unknown): ErrorFrame {
  const { body: { data: { code }, message }, retryAfter } = toApiError(error)
  return { type: 'error', ...(id === undefined ? {} : { id }), code, message, ...(retryAfter === undefined ? {} : { retryAfter }) }
}

const UNAVAILABLE_DRIVER_ERRORS = new Set([
  'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoServerSelectionError', 'MongooseServerSelectionError',
  'MongoTimeoutError', 'MongoNotConnectedError', 'MongoTopologyClosedError', 'PoolClearedError', 'PoolClearedOnNetworkError',
  'MongoPoolClearedError', 'MongoWaitQueueTimeoutError',
])

export const STORAGE_UNAVAILABLE_MESSAGE = 'File storage is not answering; try again shortly.'

/**
 * A failure of the file store (S3 refused, unreachable, no such bucket, access denied):
 * 503 `unavailable` with its own message, the store's error kept as the cause so the
 * log line names its code or S3 error name (never its message).
 */
export function storageUnavailable(cause: unknown): H3Error {
  if (cause instanceof H3Error) return cause
  const error = apiError('unavailable', STORAGE_UNAVAILABLE_MESSAGE, { retryAfter: 2 })
  error.cause = cause
  return error
}

/** A stalled, dead or unreachable database (the driver's deadlines fired): 503 `unavailable`, not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const { name, message, code } = error as { name?: string, message?: string, code?: unknown }
  if (name && UNAVAILABLE_DRIVER_ERRORS.has(name)) return true
  // A socket code alone says nothing about who failed (the S3 client raises the same codes):
  // only the driver's own errors (named Mongo*) mean the database.
  if (name?.startsWith('Mongo') && typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true
  if (name?.startsWith('Mongo') && /connection|socket|topology|server selection/i.test(message ?? '')) return true
  // A multi-document write (insertMany, bulkWrite: models/coalesce.ts) that never reached the
  // engine fails as MongoBulkWriteError, with the network failure kept as its `errorResponse`.
  const wrapped = (error as { errorResponse?: unknown }).errorResponse
  if (wrapped instanceof Error && wrapped !== error && isDatabaseUnavailable(wrapped)) return true
  // mongoose's buffering gave up (no connection), or the server cancelled on maxTimeMS (code 50).
  return (name === 'MongooseError' && /buffering timed out/i.test(message ?? '')) || code === 50
}

function codeForStatus(statusCode: number): ErrorCode {
  switch (statusCode) {
    case 400: return 'validation_failed'
    case 401: return 'unauthorized'
    case 403: return 'forbidden'
    case 404: return 'not_found'
    case 405: return 'not_found'
    case 409: return 'conflict'
    case 413: return 'payload_too_large'
    case 415: return 'validation_failed'
    case 429: return 'rate_limited'
    case 503: return 'unavailable'
    default: return statusCode < 500 ? 'validation_failed' : 'internal_error'
  }
}

const DUPLICATE_KEY_CODES = new Set([11000, 11001])

/**
 * True for a unique-index violation. MongoDB reports code 11000; FerretDB reports an
 * insert's violation the same way but an update's as code 1 with SQLite's
 * "UNIQUE constraint failed" text.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const { code, message } = error as { code?: unknown, message?: unknown }
  if (typeof code === 'number' && DUPLICATE_KEY_CODES.has(code)) return true
  return code === 1 && typeof message === 'string' && /UNIQUE constraint failed|duplicate key/i.test(message)
}

/** Runs `write`; a unique-key violation becomes the contract's 409 with `code`. */
export async function conflictOnDuplicate<T>(write: () => Promise<T>, code: ErrorCode = 'conflict', message?: string): Promise<T> {
  try {
    return await write()
  }
  catch (error) {
    if (isDuplicateKeyError(error)) throw apiError(code, message)
    throw error
  }
}
