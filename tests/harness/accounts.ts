import { randomBytes } from 'node:crypto'
import type { AuthResult } from '../../shared/types/api'

// Helpers for API tests that need people: unique names, sign-ups, requests with a
// token or the cookies a browser would send.

export function uniqueName(prefix = 'u'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`
}

export interface CallOptions {
  method?: string
  body?: unknown
  /** Sent as `Authorization: Bearer`. */
  token?: string
  /** Cookie header value, e.g. from `cookieHeader(response)`. */
  cookie?: string
  headers?: Record<string, string>
}

export interface CallResult<T = unknown> {
  status: number
  body: T
  headers: Headers
  response: Response
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the body holds
export async function call<T = any>(baseUrl: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.body !== undefined) headers['content-type'] ??= 'application/json'
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.cookie) headers.cookie = options.cookie
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    redirect: 'manual',
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  }
  catch {
    // not JSON
  }
  return { status: response.status, body: body as T, headers: response.headers, response }
}

/** `name=value` pairs of a response's Set-Cookie headers (for the next request's Cookie). */
export function setCookies(response: Response): Record<string, { value: string, attributes: string }> {
  const cookies: Record<string, { value: string, attributes: string }> = {}
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...rest] = line.split(';')
    const index = pair.indexOf('=')
    cookies[pair.slice(0, index).trim()] = { value: pair.slice(index + 1).trim(), attributes: rest.join(';').trim() }
  }
  return cookies
}

export function cookieHeader(cookies: Record<string, string | undefined>): string {
  return Object.entries(cookies).filter(([, value]) => value).map(([name, value]) => `${name}=${value}`).join('; ')
}

export interface TestAccount {
  username: string
  password: string
  email?: string
  auth: AuthResult
  accessToken: string
  refreshCookie: string
  accessCookie: string
}

export async function registerUser(baseUrl: string, fields: { username?: string, password?: string, email?: string, displayName?: string } = {}): Promise<TestAccount> {
  const username = fields.username ?? uniqueName()
  const password = fields.password ?? `pw-${randomBytes(6).toString('hex')}`
  const result = await call<AuthResult>(baseUrl, '/api/auth/register', { body: { ...fields, username, password } })
  if (result.status !== 201) throw new Error(`register failed: ${result.status} ${JSON.stringify(result.body)}`)
  const cookies = setCookies(result.response)
  return {
    username,
    password,
    email: fields.email,
    auth: result.body,
    accessToken: result.body.accessToken,
    refreshCookie: cookies.chat_refresh!.value,
    accessCookie: cookies.chat_access!.value,
  }
}

export async function loginUser(baseUrl: string, login: string, password: string) {
  return call<AuthResult>(baseUrl, '/api/auth/login', { body: { login, password } })
}
