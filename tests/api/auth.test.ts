import { describe, expect, it, inject } from 'vitest'
import type { AuthResult, Me, Session } from '#shared/types/api'
import { call, cookieHeader, loginUser, signUp, setCookies, uniqueName } from '../harness/api-client'

const baseUrl = () => inject('baseUrl')

describe('register', () => {
  it('creates an account and signs it in with cookies and an access token', async () => {
    const username = uniqueName('Reg')
    const result = await call<AuthResult>(baseUrl(), '/api/auth/register', { body: { username, password: 'correct horse battery', displayName: 'Reggie' } })
    expect(result.status).toBe(201)
    expect(result.body).toEqual({
      user: {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        username,
        displayName: 'Reggie',
        role: expect.stringMatching(/^(user|admin)$/),
        createdAt: expect.any(String),
        online: expect.any(Boolean),
        lastSeenAt: null,
        email: null,
        emailVerified: false,
        country: null,
        age: null,
        bio: null,
        twoFactorEnabled: false,
        twoFactorEnforced: false,
        twoFactorSetupRequired: false,
      },
      sessionId: expect.stringMatching(/^[0-9a-f]{24}$/),
      accessToken: expect.any(String),
      accessTokenExpiresAt: expect.any(String),
    })
    const expiresIn = new Date(result.body.accessTokenExpiresAt).getTime() - Date.now()
    expect(expiresIn).toBeGreaterThan(13 * 60_000)
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000 + 5_000)
    expect(JSON.stringify(result.body)).not.toContain('refresh')
  })

  it('sets HttpOnly cookies: chat_access SameSite=Lax, chat_refresh SameSite=Strict on /api/auth', async () => {
    const result = await call(baseUrl(), '/api/auth/register', { body: { username: uniqueName(), password: 'password-123' } })
    const cookies = setCookies(result.response)
    expect(cookies.chat_access!.attributes).toMatch(/HttpOnly/i)
    expect(cookies.chat_access!.attributes).toMatch(/SameSite=Lax/i)
    expect(cookies.chat_access!.attributes).toMatch(/Path=\//i)
    expect(cookies.chat_refresh!.attributes).toMatch(/HttpOnly/i)
    expect(cookies.chat_refresh!.attributes).toMatch(/SameSite=Strict/i)
    expect(cookies.chat_refresh!.attributes).toMatch(/Path=\/api\/auth/i)
    // Served over plain HTTP in the tests: no Secure flag (it is set when APP_URL is https).
    expect(cookies.chat_refresh!.attributes).not.toMatch(/Secure/i)
    expect(cookies.chat_access!.value).toBe((result.body as AuthResult).accessToken)
  })

  it('defaults displayName to the username', async () => {
    const account = await signUp(baseUrl())
    expect(account.auth.user.displayName).toBe(account.username)
  })

  it('refuses a taken username in any letter case with 409 username_taken', async () => {
    const account = await signUp(baseUrl())
    const result = await call(baseUrl(), '/api/auth/register', { body: { username: account.username.toUpperCase(), password: 'password-123' } })
    expect(result.status).toBe(409)
    expect(result.body).toMatchObject({ statusCode: 409, data: { code: 'username_taken' } })
  })

  it('refuses a taken email in any letter case with 409 email_taken', async () => {
    const email = `${uniqueName('mail')}@example.com`
    await signUp(baseUrl(), { email })
    const result = await call(baseUrl(), '/api/auth/register', { body: { username: uniqueName(), password: 'password-123', email: email.toUpperCase() } })
    expect(result.status).toBe(409)
    expect(result.body).toMatchObject({ data: { code: 'email_taken' } })
  })

  it('gives one account and one 409 when two registrations race for one name', async () => {
    const name = uniqueName('race')
    const results = await Promise.all([
      call(baseUrl(), '/api/auth/register', { body: { username: name, password: 'password-123' } }),
      call(baseUrl(), '/api/auth/register', { body: { username: name.toUpperCase(), password: 'password-456' } }),
      call(baseUrl(), '/api/auth/register', { body: { username: name.replace('race', 'RACE'), password: 'password-789' } }),
    ])
    expect(results.map(r => r.status).sort()).toEqual([201, 409, 409])
  })

  it('gives one account when two registrations race for one email', async () => {
    const email = `${uniqueName('race')}@example.com`
    const results = await Promise.all([
      call(baseUrl(), '/api/auth/register', { body: { username: uniqueName(), password: 'password-123', email } }),
      call(baseUrl(), '/api/auth/register', { body: { username: uniqueName(), password: 'password-123', email: email.toUpperCase() } }),
    ])
    expect(results.map(r => r.status).sort()).toEqual([201, 409])
    expect(results.find(r => r.status === 409)!.body).toMatchObject({ data: { code: 'email_taken' } })
  })

  it.each([
    ['a too short username', { username: 'ab', password: 'password-123' }],
    ['a too long username', { username: 'a'.repeat(33), password: 'password-123' }],
    ['a username with a space', { username: 'two words', password: 'password-123' }],
    ['a short password', { username: uniqueName(), password: 'short' }],
    ['a 257-character password', { username: uniqueName(), password: 'p'.repeat(257) }],
    ['an invalid email', { username: uniqueName(), password: 'password-123', email: 'not-an-email' }],
    ['an unknown field', { username: uniqueName(), password: 'password-123', role: 'admin' }],
    ['an operator object', { username: { $gt: '' }, password: 'password-123' }],
    ['an array', { username: [uniqueName()], password: 'password-123' }],
    ['a number', { username: 12345, password: 'password-123' }],
    ['a displayName over 64 characters', { username: uniqueName(), password: 'password-123', displayName: 'x'.repeat(65) }],
  ])('refuses %s with 400 validation_failed', async (_, body) => {
    const result = await call(baseUrl(), '/api/auth/register', { body })
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ statusCode: 400, data: { code: 'validation_failed', issues: expect.any(Array) } })
  })

  it('refuses __proto__ and does not create the account', async () => {
    const username = uniqueName()
    const result = await call(baseUrl(), '/api/auth/register', { body: `{"username":"${username}","password":"password-123","__proto__":{"role":"admin"}}` })
    expect(result.status).toBe(400)
    expect((await loginUser(baseUrl(), username, 'password-123')).status).toBe(401)
  })

  it('refuses malformed JSON with 400', async () => {
    const result = await call(baseUrl(), '/api/auth/register', { body: '{"username": ' })
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ data: { code: 'validation_failed' } })
  })

  it('counts password length in code points: 256 emoji pass, 257 do not', async () => {
    const ok = await call(baseUrl(), '/api/auth/register', { body: { username: uniqueName(), password: '😀'.repeat(256) } })
    expect(ok.status).toBe(201)
    const tooLong = await call(baseUrl(), '/api/auth/register', { body: { username: uniqueName(), password: '😀'.repeat(257) } })
    expect(tooLong.status).toBe(400)
  })
})

describe('login', () => {
  it('logs in by username or email, in any letter case', async () => {
    const email = `${uniqueName('Login')}@Example.com`
    const account = await signUp(baseUrl(), { email })
    for (const login of [account.username, account.username.toUpperCase(), email, email.toLowerCase()]) {
      const result = await loginUser(baseUrl(), login, account.password)
      expect(result.status, login).toBe(200)
      expect(result.body.user.id).toBe(account.auth.user.id)
      expect(result.body.sessionId).not.toBe(account.auth.sessionId)
    }
  })

  it('answers an unknown user and a wrong password identically', async () => {
    const account = await signUp(baseUrl())
    const wrong = await loginUser(baseUrl(), account.username, 'wrong-password')
    const unknown = await loginUser(baseUrl(), uniqueName('nobody'), 'wrong-password')
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.body).toMatchObject({ data: { code: 'invalid_credentials' } })
  })

  it('uses a 256-character password whole: one differing only in its last character fails', async () => {
    const password = `${'a'.repeat(255)}b`
    const account = await signUp(baseUrl(), { password })
    expect((await loginUser(baseUrl(), account.username, `${'a'.repeat(255)}c`)).status).toBe(401)
    expect((await loginUser(baseUrl(), account.username, password)).status).toBe(200)
  })

  it.each([
    ['an operator object as login', { login: { $gt: '' }, password: 'password-123' }],
    ['an operator object as password', { login: 'someone', password: { $ne: null } }],
    ['an array', { login: ['someone'], password: 'password-123' }],
    ['a number', { login: 1, password: 'password-123' }],
    ['an unknown field', { login: 'someone', password: 'password-123', extra: true }],
    ['a missing password', { login: 'someone' }],
  ])('refuses %s with 400 validation_failed', async (_, body) => {
    const result = await call(baseUrl(), '/api/auth/login', { body })
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ data: { code: 'validation_failed' } })
  })
})

describe('guest', () => {
  it('creates a guest account with that name', async () => {
    const username = uniqueName('guest')
    const result = await call<AuthResult>(baseUrl(), '/api/auth/guest', { body: { username } })
    expect(result.status).toBe(201)
    expect(result.body.user).toMatchObject({ username, displayName: username, role: 'guest', email: null })
    expect(setCookies(result.response).chat_refresh).toBeDefined()
    const me = await call<{ user: Me }>(baseUrl(), '/api/auth/me', { token: result.body.accessToken })
    expect(me.body.user.role).toBe('guest')
  })

  it('refuses a taken name with 409 username_taken', async () => {
    const account = await signUp(baseUrl())
    const result = await call(baseUrl(), '/api/auth/guest', { body: { username: account.username.toUpperCase() } })
    expect(result.status).toBe(409)
    expect(result.body).toMatchObject({ data: { code: 'username_taken' } })
  })

  it('refuses bad input', async () => {
    for (const body of [{ username: 'x' }, { username: uniqueName(), password: 'nope' }, { username: { $gt: '' } }]) {
      expect((await call(baseUrl(), '/api/auth/guest', { body })).status).toBe(400)
    }
  })
})

describe('me', () => {
  it('answers the user and the current session, by Bearer or by cookie', async () => {
    const account = await signUp(baseUrl())
    const byBearer = await call<{ user: Me, session: Session }>(baseUrl(), '/api/auth/me', { token: account.token })
    expect(byBearer.status).toBe(200)
    expect(byBearer.body.user).toEqual(account.auth.user)
    expect(byBearer.body.session).toMatchObject({ id: account.auth.sessionId, current: true, userAgent: expect.anything() })
    const byCookie = await call(baseUrl(), '/api/auth/me', { cookie: cookieHeader({ chat_access: account.accessCookie }) })
    expect(byCookie.status).toBe(200)
  })

  it('answers 401 unauthorized without a token or with a bad one', async () => {
    for (const token of [undefined, 'garbage', 'a.b.c']) {
      const result = await call(baseUrl(), '/api/auth/me', { token })
      expect(result.status).toBe(401)
      expect(result.body).toMatchObject({ data: { code: 'unauthorized' } })
    }
  })

  it('refuses a token signed with another secret or with alg none', async () => {
    const account = await signUp(baseUrl())
    const [header, payload] = account.token.split('.')
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`
    expect((await call(baseUrl(), '/api/auth/me', { token: none })).status).toBe(401)
    expect((await call(baseUrl(), '/api/auth/me', { token: `${header}.${payload}.${'A'.repeat(43)}` })).status).toBe(401)
  })
})
