import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDatabase, startServer, type RunningDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import { call, loginUser, signUp } from '../harness/api-client'

// Password hashing is bounded (server/utils/passwords.ts): a login storm is answered
// "try again in a moment" instead of queueing argon2 work that starves the event loop.
// This instance hashes one password at a time and lets none wait, so a burst of logins
// must see refusals; a slower machine only makes the burst overlap more.
describe('bounded password hashing (one at a time, no queue)', () => {
  let database: RunningDatabase
  let server: RunningServer

  beforeAll(async () => {
    database = await startDatabase()
    server = await startServer({ mongoUri: database.uri, env: { NUXT_LIMITS_PASSWORD_HASH_CONCURRENCY: '1', NUXT_LIMITS_PASSWORD_HASH_QUEUE: '0' } })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.stop()
  })

  it('refuses logins past the hashing queue with 429 and Retry-After, and lets the rest in', async () => {
    const account = await signUp(server.baseUrl)
    const burst = await Promise.all(Array.from({ length: 20 }, () => loginUser(server.baseUrl, account.username, account.password)))
    const refused = burst.filter(result => result.status === 429)
    expect(burst.every(result => result.status === 200 || result.status === 429)).toBe(true)
    expect(burst.some(result => result.status === 200)).toBe(true)
    expect(refused.length).toBeGreaterThan(0)
    for (const result of refused) {
      expect(result.body).toMatchObject({ statusCode: 429, data: { code: 'rate_limited' } })
      expect(result.headers.get('retry-after')).toBe('1')
    }
  })

  it('does not count a refused attempt as a failed login', async () => {
    const account = await signUp(server.baseUrl)
    // Twenty wrong passwords at once: most are refused before any comparison, so far fewer
    // than the five failures that lock an account are counted.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => loginUser(server.baseUrl, account.username, `wrong-password-${i}`)))
    const counted = burst.filter(result => result.status === 401).length
    expect(burst.every(result => result.status === 401 || result.status === 429)).toBe(true)
    expect((await loginUser(server.baseUrl, account.username, account.password)).status).toBe(counted >= 5 ? 429 : 200)
  })

  it('answers a registration refused by the hashing queue with 429, storing no account', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `burst${Date.now().toString(36)}${i}`)
    const burst = await Promise.all(names.map(username => call(server.baseUrl, '/api/auth/register', { body: { username, password: 'correct horse battery staple' } })))
    expect(burst.every(result => result.status === 201 || result.status === 200 || result.status === 429)).toBe(true)
    for (const [i, result] of burst.entries()) {
      if (result.status !== 429) continue
      expect(result.headers.get('retry-after')).toBe('1')
      const login = await loginUser(server.baseUrl, names[i]!, 'correct horse battery staple')
      expect(login.status).toBe(401)
    }
  })
})
