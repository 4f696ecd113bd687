import { randomBytes } from 'node:crypto'
import type { AuthResult } from '#shared/types/api'

// The tests' one HTTP client (`call`), one sign-up (`signUp`, for API tests and, through
// a Playwright request context, for browser tests) and the polling helper.

/** A unique, valid username (3-32 of [A-Za-z0-9_.-]). */
export function uniqueName(prefix = 'u'): string {
  return `${prefix.slice(0, 20)}_${randomBytes(5).toString('hex')}`
}

/** The password `signUp` gives an account unless told otherwise. */
export const TEST_PASSWORD = 'correct horse battery staple'

export interface CallOptions {
  method?: string
  body?: unknown
  /** Sent as `Authorization: Bearer`. */
  token?: string
  /** Cookie header value, e.g. from `cookieHeader(...)`. */
  cookie?: string
  headers?: Record<string, string>
}

export interface CallResult<T = unknown> {
  status: number
  body: T
  headers: Headers
  response: Response
}

/** One request to the API: JSON in and out (a body that is not JSON stays text), redirects not followed. */
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

/** `call` as a signed-in user (or anonymously with `null`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the body holds
export async function api<T = any>(baseUrl: string, user: Pick<TestUser, 'token'> | null, method: string, path: string, body?: unknown): Promise<CallResult<T>> {
  return call<T>(baseUrl, path, { method, body, token: user?.token })
}

type SetCookies = Record<string, { value: string, attributes: string }>

function parseSetCookies(lines: string[]): SetCookies {
  const cookies: SetCookies = {}
  for (const line of lines) {
    const [pair = '', ...rest] = line.split(';')
    const index = pair.indexOf('=')
    cookies[pair.slice(0, index).trim()] = { value: pair.slice(index + 1).trim(), attributes: rest.join(';').trim() }
  }
  return cookies
}

/** `name=value` pairs of a response's Set-Cookie headers (for the next request's Cookie). */
export function setCookies(response: Response): SetCookies {
  return parseSetCookies(response.headers.getSetCookie())
}

export function cookieHeader(cookies: Record<string, string | undefined>): string {
  return Object.entries(cookies).filter(([, value]) => value).map(([name, value]) => `${name}=${value}`).join('; ')
}

export interface TestUser {
  id: string
  username: string
  password: string
  email?: string
  /** The access token (sent as `Authorization: Bearer`). */
  token: string
  sessionId: string
  auth: AuthResult
  refreshCookie: string
  accessCookie: string
}

/** What `signUp` needs of a Playwright request context (the cookies then land in it). */
export interface BrowserRequest {
  post(url: string, options: { data: unknown }): Promise<{ status(): number, text(): Promise<string>, headersArray(): { name: string, value: string }[] }>
}

export interface SignUpFields { username?: string, password?: string, email?: string, displayName?: string }

/**
 * Registers a fresh account through `POST /api/auth/register`: against a base URL (fetch),
 * or through a Playwright request context so the session cookies land in that browser.
 * A string second argument is the username's prefix.
 */
export async function signUp(via: string | BrowserRequest, fields: string | SignUpFields = {}): Promise<TestUser> {
  const { username = uniqueName(typeof fields === 'string' ? fields : 'u'), password = TEST_PASSWORD, ...rest } = typeof fields === 'string' ? {} : fields
  const body = { ...rest, username, password }
  let status: number, text: string, cookieLines: string[]
  if (typeof via === 'string') {
    const result = await call(via, '/api/auth/register', { body })
    ;[status, text, cookieLines] = [result.status, JSON.stringify(result.body), result.response.headers.getSetCookie()]
  }
  else {
    const response = await via.post('/api/auth/register', { data: body })
    ;[status, text, cookieLines] = [response.status(), await response.text(), response.headersArray().filter(header => header.name.toLowerCase() === 'set-cookie').map(header => header.value)]
  }
  if (status !== 201) throw new Error(`register failed: ${status} ${text}`)
  const auth = JSON.parse(text) as AuthResult
  const cookies = parseSetCookies(cookieLines)
  return {
    id: auth.user.id,
    username,
    password,
    email: rest.email,
    token: auth.accessToken,
    sessionId: auth.sessionId,
    auth,
    refreshCookie: cookies.chat_refresh?.value ?? '',
    accessCookie: cookies.chat_access?.value ?? '',
  }
}

export async function loginUser(baseUrl: string, login: string, password: string) {
  return call<AuthResult>(baseUrl, '/api/auth/login', { body: { login, password } })
}

/** Polls `check` until it returns a truthy value (robust on a loaded machine). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
