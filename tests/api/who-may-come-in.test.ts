import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDatabase, startServer, type RunningDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, call, cookieHeader, setCookies, signUp, TEST_PASSWORD, uniqueName } from '../harness/api-client'

// A company's server (docs/api-accounts.md, "Who may come in"; docs/deploy.md): no guests,
// sign-up closed after the first account.
describe('NUXT_GUESTS=off, NUXT_SIGNUPS=closed', () => {
  let database: RunningDatabase
  let server: RunningServer
  const env = { NUXT_GUESTS: 'off', NUXT_SIGNUPS: 'closed' }

  beforeAll(async () => {
    database = await startDatabase()
    server = await startServer({ mongoUri: database.uri, env })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.stop()
  })

  it('refuses guests, lets only the first account register, and keeps its only admin', async () => {
    const guest = await call(server.baseUrl, '/api/auth/guest', { body: { username: uniqueName('outsider') } })
    expect(guest.status).toBe(403)
    expect(guest.body).toMatchObject({ message: 'Guest access is turned off on this server: sign in with an account.', data: { code: 'forbidden' } })

    // The first account registers (a fresh deploy gets its admin); the next is refused.
    const boss = await signUp(server.baseUrl, { username: uniqueName('boss'), email: `${uniqueName('boss')}@Example.com` })
    expect(boss.auth.user.role).toBe('admin')
    const second = await call(server.baseUrl, '/api/auth/register', { body: { username: uniqueName('worker'), password: TEST_PASSWORD, email: `${uniqueName('w')}@example.com` } })
    expect(second.status).toBe(403)
    expect(second.body).toMatchObject({ message: 'Sign-up is closed on this server: ask an admin for an account.', data: { code: 'forbidden' } })

    // The only admin cannot delete the account: the site would have no admin for good.
    const deletion = await api(server.baseUrl, boss, 'DELETE', '/api/users/me', { password: boss.password })
    expect(deletion.status).toBe(409)
    expect(deletion.body).toMatchObject({ message: 'You are the only admin: make someone else an admin first.', data: { code: 'conflict' } })
    expect((await api(server.baseUrl, boss, 'GET', '/api/auth/me')).status).toBe(200)
  })
})

describe('NUXT_ADMIN_USERNAMES', () => {
  let database: RunningDatabase
  const servers: RunningServer[] = []

  beforeAll(async () => {
    database = await startDatabase()
  }, 120_000)

  afterAll(async () => {
    for (const server of servers) await server.stop()
    await database?.stop()
  })

  it('ends the sessions of guests already in once guests are turned off: their next renewal is refused', async () => {
    const open = await startServer({ mongoUri: database.uri })
    servers.push(open)
    const entered = await call(open.baseUrl, '/api/auth/guest', { body: { username: uniqueName('visitor') } })
    expect(entered.status).toBeLessThan(300)
    const refreshCookie = setCookies(entered.response).chat_refresh?.value
    expect(refreshCookie).toBeTruthy()
    await open.stop()
    servers.pop()

    const closed = await startServer({ mongoUri: database.uri, env: { NUXT_GUESTS: 'off' } })
    servers.push(closed)
    const renewal = await call(closed.baseUrl, '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: refreshCookie }) })
    expect(renewal.status).toBe(401)
    await closed.stop()
    servers.pop()
  })

  it('makes the named accounts admin at boot (the way back for a site with no admin)', async () => {
    const first = await startServer({ mongoUri: database.uri })
    servers.push(first)
    await signUp(first.baseUrl, 'admin')
    const worker = await signUp(first.baseUrl, 'worker')
    expect(worker.auth.user.role).toBe('user')
    await first.stop()
    servers.pop()

    const again = await startServer({ mongoUri: database.uri, env: { NUXT_ADMIN_USERNAMES: `nobody-here, ${worker.username.toUpperCase()}` } })
    servers.push(again)
    const me = await api(again.baseUrl, worker, 'GET', '/api/auth/me')
    expect(me.body).toMatchObject({ user: { username: worker.username, role: 'admin' } })
  })
})
