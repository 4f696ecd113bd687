import { DEFAULT_ERROR_MESSAGES, isApiErrorBody, type ApiErrorBody } from '#shared/errors'

/**
 * The client's one error module: every failure becomes the contract's error body
 * (`shared/errors.ts`), told to the person in one sentence. Reporting it is
 * `useSnackbarStore().notifyError` (or `useAction`, which calls it).
 */

/** An API failure, carrying the contract's error body (thrown by `useApi`). */
export class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message)
    this.name = 'ApiError'
  }

  get code() {
    return this.body.data.code
  }

  get statusCode() {
    return this.body.statusCode
  }
}

/**
 * The person cancelled the re-authentication a request needed (useApi): their choice, not
 * a failure, so `useAction` and the snackbar tell nothing (tests/e2e/reauth.spec.ts,
 * "cancelling..."). Still an `ApiError`, for callers that look at the code.
 */
export class ReauthCancelled extends ApiError {
  override name = 'ReauthCancelled'
}

/**
 * A request this tab made for the person it shows, refused because the browser's cookies
 * now sign in another account (409 `account_changed`, a sign-in in another tab): the tab
 * follows that account and says so itself (plugins/account-sync.client.ts), so `useAction`
 * and the snackbar tell nothing more.
 */
export class AccountChanged extends ApiError {
  override name = 'AccountChanged'
}

/** Whether a failure is only the person's cancelling, or told already (nothing to tell). */
export function isCancelled(error: unknown): boolean {
  return error instanceof ReauthCancelled || error instanceof AccountChanged
}

/**
 * A passkey ceremony the browser did not carry out, by WebAuthn's error names (kept by
 * @simplewebauthn/browser's WebAuthnError): the person cancelled, the device already has
 * a passkey for the account, or passkeys cannot work here. These names mean that only in
 * a ceremony (`passkeyCeremony`): other browser APIs (a push subscription) throw the same
 * DOMExceptions for their own reasons.
 */
const CEREMONY_FAILURES: Record<string, string> = {
  NotAllowedError: 'No passkey was used: the request was cancelled or timed out.',
  AbortError: 'The passkey request was cancelled.',
  InvalidStateError: 'This device already has a passkey for your account.',
  SecurityError: 'Passkeys cannot be used at this address.',
  NotSupportedError: 'This browser or device cannot use passkeys here.',
  ConstraintError: 'This device cannot make a passkey that signs in without a username.',
}

/** A failure the browser (not the server) met, told to the person in `message`. */
export function browserFailure(message: string): ApiError {
  return new ApiError({ statusCode: 400, message, data: { code: 'validation_failed' } })
}

/** Runs a passkey ceremony (startAuthentication, startRegistration): the browser's refusal is told in passkey words. */
export async function passkeyCeremony<T>(ceremony: () => Promise<T>): Promise<T> {
  try {
    return await ceremony()
  }
  catch (error) {
    const told = error instanceof Error ? CEREMONY_FAILURES[error.name] : undefined
    throw told ? browserFailure(told) : error
  }
}

/**
 * Any failure as the contract's error body: `ApiError` carries it in `body`, a raw
 * `$fetch` error in `data`; network failures and the unexpected get a generic one.
 */
export function toApiErrorBody(error: unknown): ApiErrorBody {
  if (isApiErrorBody(error)) return error
  const { data, body } = (error ?? {}) as { data?: unknown, body?: unknown }
  if (isApiErrorBody(body)) return body
  if (isApiErrorBody(data)) return data
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

/** A sentence for the person about any failure (for a failure told in place, not in the snackbar). */
export function failureText(error: unknown): string {
  return describeApiError(toApiErrorBody(error))
}

/** The server's `Retry-After` (seconds) on a failed request, in milliseconds; null without one. */
export function retryAfterMs(error: unknown): number | null {
  const headers = (error as { response?: { headers?: Headers } } | null)?.response?.headers
  const seconds = Number(headers?.get?.('retry-after'))
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null
}

/** Whether trying again later may work: no answer (offline), rate limited, or server trouble. */
export function isTransientFailure(body: ApiErrorBody): boolean {
  const status = body.statusCode
  return status === 0 || status === 401 || status === 408 || status === 429 || status >= 500
}
