import { isApiErrorBody, type ApiErrorBody } from '#shared/errors'

/** The contract's error body of any failure (useApi's ApiError, a raw $fetch error, a network failure). */
export function failureOf(error: unknown): ApiErrorBody {
  const body = (error as { body?: unknown } | null)?.body
  return isApiErrorBody(body) ? body : toApiErrorBody(error)
}

/** A sentence for the person about a failure. */
export function failureText(error: unknown): string {
  return describeApiError(failureOf(error))
}

/** Whether trying again later may work: no answer (offline), rate limited, or server trouble. */
export function isTransientFailure(body: ApiErrorBody): boolean {
  const status = body.statusCode
  return status === 0 || status === 401 || status === 408 || status === 429 || status >= 500
}
