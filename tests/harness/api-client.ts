import { randomBytes } from 'node:crypto'
import type { AuthResult } from '../../shared/types/api'

// HTTP helpers for API tests: sign up a fresh user, call the API with its Bearer token.

export interface TestUser {
  id: string
  username: string
  token: string
  sessionId: string
}

export async function signUp(baseUrl: string, prefix = 'u'): Promise<TestUser> {
  const username = `${prefix}${randomBytes(5).toString('hex')}`
  const response = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery' }),
  })
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${await response.text()}`)
  const result = await response.json() as AuthResult
  return { id: result.user.id, username, token: result.accessToken, sessionId: result.sessionId }
}

export interface ApiResponse<T = unknown> {
  status: number
  body: T
  headers: Headers
}

// Response bodies are whatever JSON the test expects; assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api<T = any>(baseUrl: string, user: TestUser | null, method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {}
  if (user) headers.authorization = `Bearer ${user.token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers }
}

/** Polls `check` until it returns a truthy value (robust on a loaded machine). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
