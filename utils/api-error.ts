import { DEFAULT_ERROR_MESSAGES, isApiErrorBody, type ApiErrorBody } from '~~/shared/errors'

/**
 * Any failure of an API call as the contract's error body: `$fetch` errors carry it in
 * `data`, useApi's `ApiError` in `body`; network failures and the unexpected get a
 * generic one.
 */
export function toApiErrorBody(error: unknown): ApiErrorBody {
  if (isApiErrorBody(error)) return error
  const { data, body } = (error ?? {}) as { data?: unknown, body?: unknown }
  if (isApiErrorBody(data)) return data
  if (isApiErrorBody(body)) return body
  const statusCode = Number((error as { statusCode?: unknown, status?: unknown } | null)?.statusCode ?? (error as { status?: unknown } | null)?.status) || 0
  if (statusCode === 0) {
    return { statusCode: 0, message: 'Cannot reach the server. Check your connection.', data: { code: 'unavailable' } }
  }
  return { statusCode, message: DEFAULT_ERROR_MESSAGES.internal_error, data: { code: statusCode >= 500 ? 'internal_error' : 'validation_failed' } }
}

/** A sentence for people: the first validation issue when there is one. */
export function describeApiError(body: ApiErrorBody): string {
  const issue = body.data.issues?.[0]
  if (body.data.code === 'validation_failed' && issue) {
    const field = issue.path.join('.')
    return field ? `${field}: ${issue.message}` : issue.message
  }
  return body.message
}
