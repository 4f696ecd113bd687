import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDatabase, startServer, type RunningDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, eventually, loginUser, signUp, TEST_PASSWORD, type TestUser } from '../harness/api-client'

// Who did what (docs/deploy.md, "Logs"): request lines name the client's address and the
// authenticated user, an admin's role change, ban and unban each write an audit line, and a
// lockout a warn naming the account's id, never the name or password typed.

let database: RunningDatabase
let server: RunningServer
let admin: TestUser, bob: TestUser

/** The JSON log lines with this `msg`. */
function lines(msg: string): Record<string, unknown>[] {
  return server.logs().split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as Record<string, unknown>).filter(line => line.msg === msg)
}

beforeAll(async () => {
  database = await startDatabase()
  // A fresh database: the first account is the admin.
  server = await startServer({ mongoUri: database.uri })
  admin = await signUp(server.baseUrl, 'auditadmin')
  bob = await signUp(server.baseUrl, 'auditbob')
}, 120_000)
afterAll(async () => {
  await server?.stop()
  await database?.stop()
})

describe('audit lines in the server log', () => {
  it('names the client address and the user on request lines', async () => {
    expect((await api(server.baseUrl, bob, 'GET', '/api/auth/me')).status).toBe(200)
    // The line is written when the response closes, just after the client has it.
    const mine = await eventually(() => lines('request').find(line => line.route === '/api/auth/me'), 5000, 'the request line')
    expect(mine).toMatchObject({ ip: '127.0.0.1', userId: bob.id, status: 200 })
    // An anonymous request has the address and no user.
    const health = lines('request').find(line => line.route === '/api/health')
    expect(health).toMatchObject({ ip: '127.0.0.1' })
    expect(health).not.toHaveProperty('userId')
  })

  it('writes one line per admin action: who, on whom, what changed', async () => {
    expect((await api(server.baseUrl, admin, 'PATCH', `/api/admin/users/${bob.id}`, { role: 'admin' })).status).toBe(200)
    expect((await api(server.baseUrl, admin, 'PATCH', `/api/admin/users/${bob.id}`, { role: 'user' })).status).toBe(200)
    expect((await api(server.baseUrl, admin, 'PATCH', `/api/admin/users/${bob.id}`, { banned: true })).status).toBe(200)
    expect((await api(server.baseUrl, admin, 'PATCH', `/api/admin/users/${bob.id}`, { banned: false })).status).toBe(200)
    const actions = lines('admin changed an account')
    expect(actions.map(line => ({ actorId: line.actorId, targetId: line.targetId, change: line.change }))).toEqual([
      { actorId: admin.id, targetId: bob.id, change: { role: 'admin' } },
      { actorId: admin.id, targetId: bob.id, change: { role: 'user' } },
      { actorId: admin.id, targetId: bob.id, change: { banned: true } },
      { actorId: admin.id, targetId: bob.id, change: { banned: false } },
    ])
  })

  it('warns once per lockout with the account id, never the name or password typed', async () => {
    const carol = await signUp(server.baseUrl, 'auditcarol')
    for (let i = 0; i < 5; i++) await loginUser(server.baseUrl, carol.username, `wrong-password-audit-${i}`)
    expect((await loginUser(server.baseUrl, carol.username, TEST_PASSWORD)).status).toBe(429)
    expect(lines('account locked after failed sign-ins')).toEqual([expect.objectContaining({ level: 'warn', accountId: carol.id })])
    const logs = server.logs()
    expect(logs).not.toContain('wrong-password-audit')
    expect(logs).not.toContain(`"${carol.username}"`)
  })
})
