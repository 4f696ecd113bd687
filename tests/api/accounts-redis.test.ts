import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { call, cookieHeader, loginUser, signUp, setCookies } from '../harness/api-client'
import { startJoinedInstances, type JoinedInstances, type RunningRedis } from '../harness/redis'
import { openSlowRequest, waitForLogLine } from '../harness/shutdown'

// Two instances, one database, one Redis: limits and sessions hold across instances.
let instances: JoinedInstances
let redis: RunningRedis
let one: RunningServer
let two: RunningServer

beforeAll(async () => {
  instances = await startJoinedInstances(inject('mongoUri'))
  ;({ redis, one, two } = instances)
}, 120_000)

afterAll(() => instances?.stop())

describe('accounts across two instances joined by Redis', () => {
  it('shares the per-account lockout: failures on one instance lock the account on the other', async () => {
    const account = await signUp(one.baseUrl)
    for (let i = 0; i < 5; i++) {
      const server = i % 2 === 0 ? one : two
      // The fifth failure (on `one`, after two on `two`) locks the account and answers the lockout.
      expect((await loginUser(server.baseUrl, account.username, `wrong-${i}-password`)).status).toBe(i < 4 ? 401 : 429)
    }
    for (const server of [one, two]) {
      const locked = await loginUser(server.baseUrl, account.username, account.password)
      expect(locked.status).toBe(429)
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    }
  })

  it('shares the mail resend limit', async () => {
    const account = await signUp(one.baseUrl, { email: `redis_${Date.now()}@example.com` })
    expect((await call(one.baseUrl, '/api/auth/email/resend', { method: 'POST', token: account.token })).status).toBe(202)
    expect((await call(two.baseUrl, '/api/auth/email/resend', { method: 'POST', token: account.token })).status).toBe(429)
  })

  it('refreshes on either instance, and a session revoked on one is refused by the other at once', async () => {
    const account = await signUp(one.baseUrl)
    const refreshed = await call(two.baseUrl, '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: account.refreshCookie }) })
    expect(refreshed.status).toBe(200)
    const next = setCookies(refreshed.response).chat_refresh!.value
    expect((await call(one.baseUrl, '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: next }) })).status).toBe(200)
    expect((await call(one.baseUrl, '/api/auth/logout', { method: 'POST', token: account.token })).status).toBe(204)
    expect((await call(two.baseUrl, '/api/auth/me', { token: account.token })).status).toBe(401)
  })

  it('gives two tabs refreshing one session at once on two instances each a working token', async () => {
    for (let round = 0; round < 8; round++) {
      const account = await signUp(one.baseUrl)
      const cookie = cookieHeader({ chat_refresh: account.refreshCookie })
      const raced = await Promise.all([one, two].map(server => call(server.baseUrl, '/api/auth/refresh', { method: 'POST', cookie })))
      expect(raced.map(result => result.status)).toEqual([200, 200])
      for (const [i, result] of raced.entries()) {
        const next = setCookies(result.response).chat_refresh!.value
        const again = await call((i ? one : two).baseUrl, '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: next }) })
        expect(again.status).toBe(200)
      }
    }
  })

  it('counts a failed login that finishes while its instance shuts down toward the shared lockout', async () => {
    const account = await signUp(one.baseUrl)
    const stopping = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_REDIS_URL: redis.url } })
    try {
      for (let i = 0; i < 4; i++) {
        const server = i === 0 ? stopping : one
        expect((await loginUser(server.baseUrl, account.username, `wrong-${i}-password`)).status).toBe(401)
      }
      const { req, response, accepted } = openSlowRequest(`${stopping.baseUrl}/api/auth/login`)
      await accepted
      stopping.process.kill('SIGTERM')
      await waitForLogLine(stopping, entry => entry.msg === 'shutting down')
      // The fifth failure arrives after the shutdown began; Redis must still be there for it.
      req.end(JSON.stringify({ login: account.username, password: 'wrong-last-password' }))
      // It is the one that locks the account, and says so: counted in Redis during the shutdown.
      expect((await response).status).toBe(429)
      expect(await stopping.exited).toEqual({ code: 0, signal: null })
    }
    finally {
      await stopping.stop('SIGKILL')
    }
    expect((await loginUser(two.baseUrl, account.username, account.password)).status).toBe(429)
  }, 60_000)
})
