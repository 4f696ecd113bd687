import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types/api'
import { startDatabase, startServer, type RunningDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, eventually, signUp, type TestUser } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// A fresh instance (so the first account, the admin, is known) with
// NUXT_CHANNEL_CREATORS=admins: site-admin powers over chats, live role changes and bans.
let database: RunningDatabase
let server: RunningServer
let admin: TestUser, owner: TestUser, member: TestUser
const url = () => server.baseUrl

beforeAll(async () => {
  database = await startDatabase()
  server = await startServer({ mongoUri: database.uri, env: { NUXT_CHANNEL_CREATORS: 'admins' } })
  admin = await signUp(url(), 'admin')
  owner = await signUp(url(), 'owner')
  member = await signUp(url(), 'member')
}, 120_000)
afterAll(async () => {
  await server?.stop()
  await database?.stop()
})

describe('site admins and chats', () => {
  it('lets only admins create channels when NUXT_CHANNEL_CREATORS=admins', async () => {
    const refused = await api(url(), owner, 'POST', '/api/chats', { type: 'channel', name: 'Nope' })
    expect(refused.status).toBe(403)
    expect(refused.body.data.code).toBe('forbidden')
    expect((await api(url(), admin, 'POST', '/api/chats', { type: 'channel', name: 'Announcements' })).status).toBe(201)
    // Groups stay open to every user.
    expect((await api(url(), owner, 'POST', '/api/chats', { type: 'group', name: 'Fine', memberIds: [] })).status).toBe(201)
  })

  it('lets a site admin delete any message in a channel and applies a new role to open sockets', async () => {
    const channel = (await api(url(), admin, 'POST', '/api/chats', { type: 'channel', name: 'Open floor' })).body.id
    await api(url(), member, 'POST', `/api/chats/${channel}/join`)
    await api(url(), owner, 'POST', `/api/chats/${channel}/join`)
    const first = (await api<Message>(url(), member, 'POST', `/api/chats/${channel}/messages`, { content: 'one' })).body
    expect((await api(url(), admin, 'DELETE', `/api/messages/${first.id}`)).status).toBe(204)

    const socket = await TestSocket.connect(url(), { token: owner.token })
    const second = (await api<Message>(url(), member, 'POST', `/api/chats/${channel}/messages`, { content: 'two' })).body
    expect(await socket.request({ type: 'message.delete', messageId: second.id })).toMatchObject({ type: 'error', code: 'forbidden' })
    expect((await api(url(), admin, 'PATCH', `/api/admin/users/${owner.id}`, { role: 'admin' })).status).toBe(200)
    await eventually(async () => (await socket.request({ type: 'message.delete', messageId: second.id })).type === 'ack')
    await socket.close()
  })

  it('closes a banned user\'s sockets with 4401, saying it is a ban', async () => {
    const socket = await TestSocket.connect(url(), { token: member.token })
    expect((await api(url(), admin, 'PATCH', `/api/admin/users/${member.id}`, { banned: true })).status).toBe(200)
    expect((await socket.closed).code).toBe(4401)
    expect(socket.frames).toContainEqual({ type: 'session.revoked', reason: 'banned' })
  })
})
