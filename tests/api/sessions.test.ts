import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { ApiErrorBody } from '#shared/errors'
import type { RefreshResult, Session } from '#shared/types/api'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { call, cookieHeader, loginUser, signUp, setCookies } from '../harness/api-client'

const baseUrl = () => inject('baseUrl')
const refreshWith = (refreshCookie: string, headers: Record<string, string> = {}, url = baseUrl()) =>
  call<RefreshResult>(url, '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: refreshCookie }), headers })
const me = (token: string, url = baseUrl()) => call(url, '/api/auth/me', { token })

describe('refresh after the grace', () => {
  // An instance whose grace (10 s by default) is 1 ms: the test waits past it instead of
  // sleeping 11 s, and the replay is late whatever the machine's speed.
  const GRACE_MS = 1
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_TIMINGS_REFRESH_GRACE_MS: String(GRACE_MS) } })
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
  })

  it('revokes the whole session when a rotated token is replayed after the grace', async () => {
    const url = server.baseUrl
    const account = await signUp(url)
    const rotated = await refreshWith(account.refreshCookie, {}, url)
    expect(rotated.status).toBe(200)
    const current = setCookies(rotated.response).chat_refresh!.value
    await new Promise(resolve => setTimeout(resolve, GRACE_MS + 1))
    const replay = await refreshWith(account.refreshCookie, {}, url)
    expect(replay.status).toBe(401)
    expect(replay.body).toMatchObject({ statusCode: 401, data: { code: 'token_reused' } })
    // Every token of that session is dead now: the newest refresh token and the access tokens.
    expect((await refreshWith(current, {}, url)).status).toBe(401)
    expect((await me(rotated.body.accessToken, url)).status).toBe(401)
    expect((await me(account.token, url)).status).toBe(401)
  })
})

describe('refresh', () => {
  it('rotates the refresh cookie and answers a working access token', async () => {
    const account = await signUp(baseUrl())
    const result = await refreshWith(account.refreshCookie)
    expect(result.status).toBe(200)
    expect(result.body).toEqual({ accessToken: expect.any(String), accessTokenExpiresAt: expect.any(String), sessionId: account.auth.sessionId })
    const cookies = setCookies(result.response)
    expect(cookies.chat_refresh!.value).not.toBe(account.refreshCookie)
    expect(cookies.chat_refresh!.attributes).toMatch(/HttpOnly/i)
    expect(cookies.chat_refresh!.attributes).toMatch(/SameSite=Strict/i)
    expect(cookies.chat_refresh!.attributes).toMatch(/Path=\/api\/auth/i)
    expect(cookies.chat_access!.value).toBe(result.body.accessToken)
    expect(JSON.stringify(result.body)).not.toContain(cookies.chat_refresh!.value.split('.')[1]!)
    expect((await me(result.body.accessToken)).status).toBe(200)
    // The rotated token keeps working through a chain of refreshes.
    const next = await refreshWith(cookies.chat_refresh!.value)
    expect(next.status).toBe(200)
  })

  it('gives two tabs refreshing at once each a working token', async () => {
    const account = await signUp(baseUrl())
    const [a, b] = await Promise.all([refreshWith(account.refreshCookie), refreshWith(account.refreshCookie)])
    expect([a.status, b.status]).toEqual([200, 200])
    const refreshA = setCookies(a.response).chat_refresh!.value
    const refreshB = setCookies(b.response).chat_refresh!.value
    expect(refreshA).not.toBe(refreshB)
    expect((await me(a.body.accessToken)).status).toBe(200)
    expect((await me(b.body.accessToken)).status).toBe(200)
    // Both new refresh tokens work on their own afterwards.
    expect((await refreshWith(refreshA)).status).toBe(200)
    expect((await refreshWith(refreshB)).status).toBe(200)
  })

  it('answers 401 unauthorized without a cookie or with a forged one', async () => {
    const account = await signUp(baseUrl())
    for (const cookie of [undefined, 'garbage', `${account.auth.sessionId}.${'x'.repeat(43)}`, `${'0'.repeat(24)}.${'x'.repeat(43)}`]) {
      const result = cookie === undefined
        ? await call(baseUrl(), '/api/auth/refresh', { method: 'POST' })
        : await refreshWith(cookie)
      expect(result.status, String(cookie)).toBe(401)
      expect(result.body).toMatchObject({ data: { code: 'unauthorized' } })
    }
    // A wrong secret does not revoke the session (only a replayed real token does).
    expect((await refreshWith(account.refreshCookie)).status).toBe(200)
  })

  it('tells the holder of a session\'s own token why it ended, so a tab closed meanwhile can say so, and nobody else', async () => {
    const account = await signUp(baseUrl())
    const elsewhere = setCookies((await loginUser(baseUrl(), account.username, account.password)).response).chat_refresh!.value
    expect((await call(baseUrl(), '/api/auth/password', { method: 'PUT', token: account.token, body: { currentPassword: account.password, newPassword: 'another horse battery staple' } })).status).toBe(204)
    const ended = await refreshWith(elsewhere)
    expect(ended.body).toMatchObject({ statusCode: 401, data: { code: 'unauthorized', reason: 'password-changed' } })
    // The session's id with a secret that is not its own learns nothing.
    const forged = await refreshWith(`${elsewhere.split('.')[0]}.${'x'.repeat(43)}`)
    expect((forged.body as unknown as ApiErrorBody).data).toEqual({ code: 'unauthorized' })
  })

  it('applies the CSRF rule: a foreign Origin or a cross-site fetch is refused, the app origin passes', async () => {
    const account = await signUp(baseUrl())
    const foreign = await refreshWith(account.refreshCookie, { origin: 'https://evil.example' })
    expect(foreign.status).toBe(403)
    expect(foreign.body).toMatchObject({ data: { code: 'forbidden_origin' } })
    const crossSite = await refreshWith(account.refreshCookie, { 'sec-fetch-site': 'cross-site' })
    expect(crossSite.status).toBe(403)
    const own = await refreshWith(account.refreshCookie, { 'origin': baseUrl(), 'sec-fetch-site': 'same-origin' })
    expect(own.status).toBe(200)
  })
})

describe('CSRF on cookie-authenticated requests', () => {
  it('refuses a cookie-authenticated unsafe request from a foreign Origin while Bearer works', async () => {
    const account = await signUp(baseUrl())
    const cookie = cookieHeader({ chat_access: account.accessCookie })
    const foreign = await call(baseUrl(), '/api/users/me', { method: 'PATCH', body: { bio: 'from evil' }, cookie, headers: { origin: 'https://evil.example' } })
    expect(foreign.status).toBe(403)
    expect(foreign.body).toMatchObject({ data: { code: 'forbidden_origin' } })
    const crossSite = await call(baseUrl(), '/api/users/me', { method: 'PATCH', body: { bio: 'from evil' }, cookie, headers: { 'sec-fetch-site': 'cross-site' } })
    expect(crossSite.status).toBe(403)
    const bearer = await call(baseUrl(), '/api/users/me', { method: 'PATCH', body: { bio: 'by bearer' }, token: account.token, headers: { origin: 'https://evil.example' } })
    expect(bearer.status).toBe(200)
    const sameOrigin = await call(baseUrl(), '/api/users/me', { method: 'PATCH', body: { bio: 'same origin' }, cookie, headers: { origin: baseUrl() } })
    expect(sameOrigin.status).toBe(200)
    expect(sameOrigin.body).toMatchObject({ bio: 'same origin' })
    // Safe methods are not affected.
    const read = await call(baseUrl(), '/api/auth/me', { cookie, headers: { origin: 'https://evil.example' } })
    expect(read.status).toBe(200)
  })
})

describe('logout', () => {
  it('revokes the session, clears both cookies and stops its tokens at once', async () => {
    const account = await signUp(baseUrl())
    const result = await call(baseUrl(), '/api/auth/logout', { method: 'POST', token: account.token })
    expect(result.status).toBe(204)
    const cookies = setCookies(result.response)
    expect(cookies.chat_access!.value).toBe('')
    expect(cookies.chat_access!.attributes).toMatch(/Max-Age=0/i)
    expect(cookies.chat_refresh!.attributes).toMatch(/Max-Age=0/i)
    expect(cookies.chat_refresh!.attributes).toMatch(/Path=\/api\/auth/i)
    expect((await me(account.token)).status).toBe(401)
    expect((await refreshWith(account.refreshCookie)).status).toBe(401)
  })

  it('needs authentication', async () => {
    expect((await call(baseUrl(), '/api/auth/logout', { method: 'POST' })).status).toBe(401)
  })
})

describe('sessions', () => {
  it('lists live sessions with the current one marked, and revokes another at once', async () => {
    const account = await signUp(baseUrl())
    const other = await loginUser(baseUrl(), account.username, account.password)
    const list = await call<{ items: Session[] }>(baseUrl(), '/api/auth/sessions', { token: account.token })
    expect(list.status).toBe(200)
    expect(list.body.items).toHaveLength(2)
    expect(list.body.items.find(s => s.id === account.auth.sessionId)).toMatchObject({ current: true })
    expect(list.body.items.find(s => s.id === other.body.sessionId)).toEqual({
      id: other.body.sessionId, createdAt: expect.any(String), lastUsedAt: expect.any(String), expiresAt: expect.any(String), userAgent: expect.anything(), current: false,
      // Node's fetch says "node": no browser or OS to name (sign-in-details.test.ts has real ones).
      browser: null, os: null, ip: expect.any(String), method: 'password',
    })
    const expiresIn = new Date(list.body.items[0]!.expiresAt).getTime() - Date.now()
    expect(expiresIn).toBeGreaterThan(29 * 24 * 3600_000)

    const revoke = await call(baseUrl(), `/api/auth/sessions/${other.body.sessionId}`, { method: 'DELETE', token: account.token })
    expect(revoke.status).toBe(204)
    expect((await me(other.body.accessToken)).status).toBe(401)
    expect((await refreshWith(setCookies(other.response).chat_refresh!.value)).status).toBe(401)
    const after = await call<{ items: Session[] }>(baseUrl(), '/api/auth/sessions', { token: account.token })
    expect(after.body.items.map(s => s.id)).toEqual([account.auth.sessionId])
    // Revoking it again, someone else's session, an unknown or malformed id: 404.
    const stranger = await signUp(baseUrl())
    for (const id of [other.body.sessionId, stranger.auth.sessionId, '0'.repeat(24), 'not-an-id']) {
      const result = await call(baseUrl(), `/api/auth/sessions/${id}`, { method: 'DELETE', token: account.token })
      expect(result.status, id).toBe(404)
      expect(result.body).toMatchObject({ data: { code: 'not_found' } })
    }
    expect((await me(stranger.token)).status).toBe(200)
  })

  it('revokes every session but the current one', async () => {
    const account = await signUp(baseUrl())
    const others = await Promise.all([1, 2].map(() => loginUser(baseUrl(), account.username, account.password)))
    const result = await call(baseUrl(), '/api/auth/sessions', { method: 'DELETE', token: account.token })
    expect(result.status).toBe(204)
    for (const other of others) expect((await me(other.body.accessToken)).status).toBe(401)
    expect((await me(account.token)).status).toBe(200)
    const list = await call<{ items: Session[] }>(baseUrl(), '/api/auth/sessions', { token: account.token })
    expect(list.body.items.map(s => s.id)).toEqual([account.auth.sessionId])
  })
})

describe('password change', () => {
  it('changes the password and revokes every other session', async () => {
    const account = await signUp(baseUrl())
    const other = await loginUser(baseUrl(), account.username, account.password)
    const result = await call(baseUrl(), '/api/auth/password', { method: 'PUT', token: account.token, body: { currentPassword: account.password, newPassword: 'a brand new password' } })
    expect(result.status).toBe(204)
    expect((await me(other.body.accessToken)).status).toBe(401)
    expect((await me(account.token)).status).toBe(200)
    expect((await loginUser(baseUrl(), account.username, account.password)).status).toBe(401)
    expect((await loginUser(baseUrl(), account.username, 'a brand new password')).status).toBe(200)
  })

  it('answers 403 invalid_credentials to a wrong current password, 400 to a weak new one', async () => {
    const account = await signUp(baseUrl())
    const wrong = await call(baseUrl(), '/api/auth/password', { method: 'PUT', token: account.token, body: { currentPassword: 'not-the-password', newPassword: 'a brand new password' } })
    expect(wrong.status).toBe(403)
    expect(wrong.body).toMatchObject({ statusCode: 403, data: { code: 'invalid_credentials' } })
    for (const body of [
      { currentPassword: account.password, newPassword: 'short' },
      { currentPassword: account.password, newPassword: 'x'.repeat(257) },
      { currentPassword: account.password, newPassword: 'long enough', extra: 1 },
      { currentPassword: { $ne: '' }, newPassword: 'long enough' },
    ]) {
      expect((await call(baseUrl(), '/api/auth/password', { method: 'PUT', token: account.token, body })).status).toBe(400)
    }
    expect((await loginUser(baseUrl(), account.username, account.password)).status).toBe(200)
  })
})

describe('authentication is required', () => {
  it.each([
    ['GET', '/api/auth/me'],
    ['GET', '/api/auth/sessions'],
    ['DELETE', '/api/auth/sessions'],
    ['DELETE', '/api/auth/sessions/000000000000000000000000'],
    ['PUT', '/api/auth/password'],
    ['POST', '/api/auth/email/resend'],
    ['GET', '/api/users'],
    ['GET', '/api/users/000000000000000000000000'],
    ['PATCH', '/api/users/me'],
    ['DELETE', '/api/users/me'],
    ['GET', '/api/admin/users'],
    ['PATCH', '/api/admin/users/000000000000000000000000'],
  ])('%s %s answers 401 unauthorized without a token', async (method, path) => {
    const result = await call(baseUrl(), path, { method, body: method === 'GET' || method === 'DELETE' ? undefined : {} })
    expect(result.status).toBe(401)
    expect(result.body).toMatchObject({ statusCode: 401, data: { code: 'unauthorized' } })
  })
})
