import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import { startDatabase, startServer, type RunningDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import { call, eventually, loginUser, signUp, uniqueName } from '../harness/api-client'

const baseUrl = () => inject('baseUrl')

const LOCKED_TEXT = 'Too many wrong passwords or codes: this account is locked for 15 minutes. Resetting the password unlocks it now.'

/** Wrong passwords that do not reach the account's limit (defaults: fewer than 5): each is 401. */
async function failLogins(url: string, login: string, times: number) {
  for (let i = 0; i < times; i++) {
    const result = await loginUser(url, login, `wrong-password-${i}`)
    expect(result.status).toBe(401)
  }
}

/** Five wrong passwords: four 401s, and the fifth, which locks the account, answers the lockout. */
async function lockByWrongPasswords(url: string, login: string) {
  await failLogins(url, login, 4)
  const fifth = await loginUser(url, login, 'wrong-password-4')
  expect(fifth.status).toBe(429)
  return fifth
}

describe('per-account lockout (defaults: 5 failures in 15 minutes)', () => {
  it('answers the lockout to the wrong password that locks the account, not "invalid credentials"', async () => {
    // As the fifth wrong two-factor code does (tests/api/two-factor.test.ts): the person learns
    // the account is locked from the attempt that locked it, not from the next one.
    const account = await signUp(baseUrl())
    await failLogins(baseUrl(), account.username, 4)
    const fifth = await loginUser(baseUrl(), account.username, 'wrong-password-4')
    expect(fifth.status).toBe(429)
    expect(fifth.body).toMatchObject({ statusCode: 429, message: LOCKED_TEXT, data: { code: 'rate_limited' } })
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(14 * 60)
    // An unknown name is locked in the same words on its fifth failure (no enumeration).
    const ghost = uniqueName('ghost')
    await failLogins(baseUrl(), ghost, 4)
    expect((await loginUser(baseUrl(), ghost, 'wrong-password-4')).body).toMatchObject({ statusCode: 429, message: LOCKED_TEXT })
  })

  it('answers 429 even to the right password after 5 failures, for 15 minutes', async () => {
    const account = await signUp(baseUrl())
    await lockByWrongPasswords(baseUrl(), account.username)
    const locked = await loginUser(baseUrl(), account.username, account.password)
    expect(locked.status).toBe(429)
    // The person is told what happened, for how long, and the way out (not "try again shortly").
    expect(locked.body).toMatchObject({ statusCode: 429, message: LOCKED_TEXT, data: { code: 'rate_limited' } })
    const retryAfter = Number(locked.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(14 * 60)
    expect(retryAfter).toBeLessThanOrEqual(15 * 60)
    // By email too: it is the account that is locked, not the name typed.
    const byEmailAccount = await signUp(baseUrl(), { email: `${uniqueName()}@example.com` })
    await lockByWrongPasswords(baseUrl(), byEmailAccount.username)
    expect((await loginUser(baseUrl(), byEmailAccount.email!, byEmailAccount.password)).status).toBe(429)
    // Other accounts are not affected, and sessions already open keep working.
    const other = await signUp(baseUrl())
    expect((await loginUser(baseUrl(), other.username, other.password)).status).toBe(200)
    expect((await call(baseUrl(), '/api/auth/me', { token: account.token })).status).toBe(200)
  })

  it('forgets failures after a successful login', async () => {
    const account = await signUp(baseUrl())
    await failLogins(baseUrl(), account.username, 4)
    expect((await loginUser(baseUrl(), account.username, account.password)).status).toBe(200)
    await failLogins(baseUrl(), account.username, 4)
    expect((await loginUser(baseUrl(), account.username, account.password)).status).toBe(200)
  })

  it('locks unknown names the same way (no enumeration through the lockout)', async () => {
    const name = uniqueName('ghost')
    await lockByWrongPasswords(baseUrl(), name)
    const locked = await loginUser(baseUrl(), name, 'whatever-password')
    expect(locked.status).toBe(429)
    expect(locked.body).toMatchObject({ message: expect.stringMatching(/^Too many wrong passwords or codes: this account is locked for 1[45] minutes\./) })
  })
})

describe('the lockout ends, small per-IP caps (an instance with a 10-second window)', () => {
  const WINDOW_SECONDS = 10
  let database: RunningDatabase
  let server: RunningServer

  beforeAll(async () => {
    database = await startDatabase()
    // The window opens with the first failure: six logins (argon2 each) must fit in it even
    // on a loaded machine before the lockout can be seen, so it is 10 s, not 3.
    server = await startServer({ mongoUri: database.uri, env: { NUXT_LIMITS_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS), NUXT_LIMITS_MAILS_PER_IP: '3', NUXT_LIMITS_PASSKEY_CHALLENGES_PER_IP: '3' } })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.stop()
  })

  it('lets the right password in again once the window has passed', async () => {
    const account = await signUp(server.baseUrl)
    await lockByWrongPasswords(server.baseUrl, account.username)
    const locked = await loginUser(server.baseUrl, account.username, account.password)
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_SECONDS)
    await eventually(async () => (await loginUser(server.baseUrl, account.username, account.password)).status === 200, 25_000, 'the lockout to end')
  })

  it('caps mails per IP (here 3): a registration still succeeds, a reset request gets 429', async () => {
    const accounts = []
    for (let i = 0; i < 3; i++) accounts.push(await signUp(server.baseUrl, { email: `${uniqueName()}@example.com` }))
    const forgot = await call(server.baseUrl, '/api/auth/password/forgot', { body: { email: accounts[0]!.email } })
    expect(forgot.status).toBe(429)
    expect(Number(forgot.headers.get('retry-after'))).toBeGreaterThan(0)
    const resend = await call(server.baseUrl, '/api/auth/email/resend', { method: 'POST', token: accounts[1]!.token })
    expect(resend.status).toBe(429)
  })

  it('caps passkey sign-in challenges per IP (here 3): the next one gets 429 with Retry-After', async () => {
    // Each is a stored document (docs/security.md, "Passkeys"): a page reload loop must not fill the database.
    const ask = () => call(server.baseUrl, '/api/auth/login/passkey/options', { method: 'POST' })
    for (let i = 0; i < 3; i++) expect((await ask()).body.challenge).toEqual(expect.any(String))
    const refused = await ask()
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ data: { code: 'rate_limited' } })
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(3600)
    expect(refused.body.challenge).toBeUndefined()
    // A password sign-in from the same address is not affected.
    const account = await signUp(server.baseUrl)
    expect((await loginUser(server.baseUrl, account.username, account.password)).status).toBe(200)
  })
})

describe('per-IP limits (an instance with the default limits)', () => {
  let database: RunningDatabase
  let server: RunningServer

  beforeAll(async () => {
    database = await startDatabase()
    server = await startServer({
      mongoUri: database.uri,
      env: { NUXT_LIMITS_SIGNUPS_PER_IP: '500', NUXT_LIMITS_LOGIN_FAILURES_PER_IP: '100', NUXT_LIMITS_MAILS_PER_IP: '1000' },
    })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.stop()
  })

  it('stops one address after 100 failed logins over many accounts within 15 minutes', async () => {
    const account = await signUp(server.baseUrl)
    const names = Array.from({ length: 100 }, () => uniqueName('spray'))
    for (let start = 0; start < names.length; start += 10) {
      const results = await Promise.all(names.slice(start, start + 10).map(name => loginUser(server.baseUrl, name, 'guess-password')))
      expect(results.map(r => r.status)).toEqual(Array(results.length).fill(401))
    }
    const stopped = await loginUser(server.baseUrl, uniqueName('spray'), 'guess-password')
    expect(stopped.status).toBe(429)
    expect(Number(stopped.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await loginUser(server.baseUrl, account.username, account.password)).status).toBe(429)
  }, 120_000)

  it('stops one address after 500 registrations or guest sign-ins within an hour', async () => {
    // The registration in the test above counts too.
    let created = 1
    while (created < 500) {
      const batch = Math.min(20, 500 - created)
      const results = await Promise.all(Array.from({ length: batch }, () => call(server.baseUrl, '/api/auth/guest', { body: { username: uniqueName('g') } })))
      expect(results.map(r => r.status)).toEqual(Array(batch).fill(201))
      created += batch
    }
    const guest = await call(server.baseUrl, '/api/auth/guest', { body: { username: uniqueName('g') } })
    expect(guest.status).toBe(429)
    expect(guest.body).toMatchObject({ data: { code: 'rate_limited' } })
    expect(Number(guest.headers.get('retry-after'))).toBeGreaterThan(0)
    const register = await call(server.baseUrl, '/api/auth/register', { body: { username: uniqueName(), password: 'password-123' } })
    expect(register.status).toBe(429)
  }, 180_000)
})
