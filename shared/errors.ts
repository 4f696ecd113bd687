import type { SessionEndReason } from './types/api'

// The contract's error codes (docs/api.md, Conventions) and their default status.
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_token: 400,
  invalid_credentials: 401,
  unauthorized: 401,
  token_reused: 401,
  forbidden: 403,
  forbidden_origin: 403,
  banned: 403,
  reauthentication_required: 403,
  two_factor_setup_required: 403,
  not_found: 404,
  username_taken: 409,
  email_taken: 409,
  name_taken: 409,
  conflict: 409,
  account_changed: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export interface ValidationIssue {
  path: (string | number)[]
  message: string
  code: string
}

/** The body of every error response. */
export interface ApiErrorBody {
  statusCode: number
  message: string
  /** `reason`: why a refresh's session is over, when it ended for one (docs/api-accounts.md, "Why a session ended"). */
  data: { code: ErrorCode, issues?: ValidationIssue[], reason?: SessionEndReason }
}

export const DEFAULT_ERROR_MESSAGES: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid.',
  invalid_token: 'This link or token is invalid or has expired.',
  invalid_credentials: 'Wrong username, email or password.',
  unauthorized: 'You need to log in.',
  token_reused: 'This session was ended because its token was used twice.',
  forbidden: 'You are not allowed to do that.',
  forbidden_origin: 'Requests from this origin are not allowed.',
  banned: 'This account is banned.',
  reauthentication_required: 'Confirm it is you: enter your password again.',
  two_factor_setup_required: 'Set up two-factor authentication first.',
  not_found: 'Not found.',
  username_taken: 'That username is taken.',
  email_taken: 'That email is already in use.',
  name_taken: 'That name is taken.',
  conflict: 'That conflicts with the current state.',
  account_changed: 'This browser is now signed in as another account.',
  payload_too_large: 'The request is too large.',
  rate_limited: 'Too many requests. Try again shortly.',
  internal_error: 'Something went wrong on our side.',
  unavailable: 'The service is temporarily unavailable.',
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (!value || typeof value !== 'object') return false
  const data = (value as { data?: unknown }).data
  return !!data && typeof data === 'object' && typeof (data as { code?: unknown }).code === 'string'
}
