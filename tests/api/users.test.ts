import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { AdminUser, AuthResult, Chat, Me, Member, Page, User } from '#shared/types/api'
import { startDatabase, startServer, type RunningDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import { call, loginUser, signUp, uniqueName, type TestUser } from '../harness/api-client'
import { TestSocket, type Frame } from '../harness/ws-client'

const baseUrl = () => inject('baseUrl')

describe('user directory', () => {
  it('matches a username or displayName prefix, case-insensitively, and pages with a cursor', async () => {
    const tag = uniqueName('dir').replace('_', '')
    const accounts = await Promise.all([1, 2, 3].map(i => signUp(baseUrl(), { username: `${tag}_${i}` })))
    const byDisplayName = await signUp(baseUrl(), { displayName: `${tag.toUpperCase()} Person` })
    const viewer = accounts[0]!

    const found = await call<Page<User>>(baseUrl(), `/api/users?q=${tag.toUpperCase()}`, { token: viewer.token })
    expect(found.status).toBe(200)
    expect(found.body.items.map(u => u.id).sort()).toEqual([...accounts.map(a => a.auth.user.id), byDisplayName.auth.user.id].sort())
    expect(found.body.nextCursor).toBeNull()
    expect(found.body.items[0]).toEqual({
      id: expect.any(String), username: expect.any(String), displayName: expect.any(String), role: expect.any(String),
      createdAt: expect.any(String), online: expect.any(Boolean), lastSeenAt: null,
    })
    expect(found.body.items[0]).not.toHaveProperty('email')

    const seen: string[] = []
    let cursor: string | null = null
    for (let page = 0; page < 5; page++) {
      const result: Awaited<ReturnType<typeof call<Page<User>>>> = await call<Page<User>>(baseUrl(), `/api/users?q=${tag}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: viewer.token })
      expect(result.status).toBe(200)
      expect(result.body.items.length).toBeLessThanOrEqual(3)
      seen.push(...result.body.items.map(u => u.id))
      cursor = result.body.nextCursor
      if (!cursor) break
    }
    expect(seen.sort()).toEqual(found.body.items.map(u => u.id).sort())
  })

  it('starts the list over on a cursor that does not decode, as every list does (server/utils/cursor.ts)', async () => {
    const tag = uniqueName('cur').replace('_', '')
    const accounts = await Promise.all([1, 2, 3].map(i => signUp(baseUrl(), { username: `${tag}_${i}` })))
    const viewer = accounts[0]!
    const first = await call<Page<User>>(baseUrl(), `/api/users?q=${tag}&limit=2`, { token: viewer.token })
    expect(first.status).toBe(200)
    expect(first.body.items).toHaveLength(2)
    // A cursor kept from an older server, cut short or typed by hand: the first page again, not a 400 the client cannot fix.
    for (const cursor of ['!!!', 'x', 'A'.repeat(120), Buffer.from('not json').toString('base64url')]) {
      const again = await call<Page<User>>(baseUrl(), `/api/users?q=${tag}&limit=2&cursor=${encodeURIComponent(cursor)}`, { token: viewer.token })
      expect(again.status, cursor).toBe(200)
      expect(again.body.items.map(u => u.id), cursor).toEqual(first.body.items.map(u => u.id))
    }
  })

  it('treats the query as text, not a pattern', async () => {
    const account = await signUp(baseUrl())
    for (const q of ['.*', '[a-z]', '(', '\\', '^']) {
      const result = await call<Page<User>>(baseUrl(), `/api/users?q=${encodeURIComponent(q)}`, { token: account.token })
      expect(result.status, q).toBe(200)
      expect(result.body.items, q).toEqual([])
    }
  })

  it('refuses bad list parameters with 400', async () => {
    const account = await signUp(baseUrl())
    for (const query of ['limit=0', 'limit=101', 'limit=abc', `q=${'x'.repeat(65)}`]) {
      expect((await call(baseUrl(), `/api/users?${query}`, { token: account.token })).status, query).toBe(400)
    }
  })

  it('answers only the users named by ids (presence read again after a reconnect), and refuses bad ids with 400', async () => {
    const [viewer, first, second] = await Promise.all([signUp(baseUrl()), signUp(baseUrl()), signUp(baseUrl())])
    const ids = [first.auth.user.id, second.auth.user.id, '0'.repeat(24)]
    const found = await call<Page<User>>(baseUrl(), `/api/users?ids=${ids.join(',')}&limit=100`, { token: viewer.token })
    expect(found.status).toBe(200)
    expect(found.body.items.map(u => u.id).sort()).toEqual([first.auth.user.id, second.auth.user.id].sort())
    expect(found.body.items[0]).toEqual({
      id: expect.any(String), username: expect.any(String), displayName: expect.any(String), role: expect.any(String),
      createdAt: expect.any(String), online: expect.any(Boolean), lastSeenAt: null,
    })
    expect(found.body.nextCursor).toBeNull()
    const tooMany = Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(24, '0')).join(',')
    for (const query of ['ids=', 'ids=nope', `ids=${first.auth.user.id},{"$gt":""}`, `ids=${tooMany}`]) {
      expect((await call(baseUrl(), `/api/users?${query}`, { token: viewer.token })).status, query).toBe(400)
    }
  })

  it('shows one user by id, 404 for unknown or malformed ids', async () => {
    const account = await signUp(baseUrl(), { email: `${uniqueName()}@example.com` })
    const other = await signUp(baseUrl())
    const result = await call<User>(baseUrl(), `/api/users/${account.auth.user.id}`, { token: other.token })
    expect(result.status).toBe(200)
    expect(result.body).toEqual({
      id: account.auth.user.id, username: account.username, displayName: account.username, role: account.auth.user.role,
      createdAt: account.auth.user.createdAt, online: expect.any(Boolean), lastSeenAt: null,
    })
    for (const id of ['0'.repeat(24), 'nope', '{"$gt":""}']) {
      const miss = await call(baseUrl(), `/api/users/${encodeURIComponent(id)}`, { token: other.token })
      expect(miss.status).toBe(404)
      expect(miss.body).toMatchObject({ data: { code: 'not_found' } })
    }
  })
})

describe('profile', () => {
  it('updates personal data and answers Me', async () => {
    const account = await signUp(baseUrl())
    const result = await call<Me>(baseUrl(), '/api/users/me', { method: 'PATCH', token: account.token, body: { displayName: 'New Name', country: 'Portugal', age: 42, bio: 'Hello 👋' } })
    expect(result.status).toBe(200)
    expect(result.body).toMatchObject({ id: account.auth.user.id, displayName: 'New Name', country: 'Portugal', age: 42, bio: 'Hello 👋', email: null, emailVerified: false })
    const cleared = await call<Me>(baseUrl(), '/api/users/me', { method: 'PATCH', token: account.token, body: { country: null, age: null, bio: null } })
    expect(cleared.body).toMatchObject({ country: null, age: null, bio: null, displayName: 'New Name' })
    // Personal data is the owner's: others see a User.
    const other = await signUp(baseUrl())
    const seen = await call(baseUrl(), `/api/users/${account.auth.user.id}`, { token: other.token })
    expect(seen.body).not.toHaveProperty('country')
  })

  it.each([
    ['age 12', { age: 12 }],
    ['age 131', { age: 131 }],
    ['a fractional age', { age: 20.5 }],
    ['age as a string', { age: '30' }],
    ['a 65-character country', { country: 'c'.repeat(65) }],
    ['a 501-character bio', { bio: 'b'.repeat(501) }],
    ['a 65-character displayName', { displayName: 'd'.repeat(65) }],
    ['an empty displayName', { displayName: '  ' }],
    ['an invalid email', { email: 'nope' }],
    ['a role', { role: 'admin' }],
    ['banned', { banned: false }],
    ['an unknown field', { nickname: 'x' }],
    ['an operator object', { displayName: { $set: 'x' } }],
  ])('refuses %s with 400 and changes nothing', async (_, body) => {
    const account = await signUp(baseUrl())
    const result = await call(baseUrl(), '/api/users/me', { method: 'PATCH', token: account.token, body })
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ data: { code: 'validation_failed' } })
    const me = await call<{ user: Me }>(baseUrl(), '/api/auth/me', { token: account.token })
    expect(me.body.user).toEqual(account.auth.user)
  })

  it('accepts the limits themselves: age 13 and 130, 64/500 characters', async () => {
    const account = await signUp(baseUrl())
    for (const body of [{ age: 13 }, { age: 130 }, { country: 'c'.repeat(64), bio: '😀'.repeat(500), displayName: 'd'.repeat(64) }]) {
      expect((await call(baseUrl(), '/api/users/me', { method: 'PATCH', token: account.token, body })).status).toBe(200)
    }
  })

  it('makes a new email unverified and refuses one that is taken (409 email_taken)', async () => {
    const taken = `${uniqueName('taken')}@example.com`
    await signUp(baseUrl(), { email: taken })
    const account = await signUp(baseUrl(), { email: `${uniqueName()}@example.com` })
    const conflict = await call(baseUrl(), '/api/users/me', { method: 'PATCH', token: account.token, body: { email: taken.toUpperCase() } })
    expect(conflict.status).toBe(409)
    expect(conflict.body).toMatchObject({ data: { code: 'email_taken' } })
    const fresh = `${uniqueName('fresh')}@example.com`
    const changed = await call<Me>(baseUrl(), '/api/users/me', { method: 'PATCH', token: account.token, body: { email: fresh } })
    expect(changed.status).toBe(200)
    expect(changed.body).toMatchObject({ email: fresh, emailVerified: false })
    // The new address logs in; the old one is free again.
    expect((await loginUser(baseUrl(), fresh, account.password)).status).toBe(200)
    expect((await loginUser(baseUrl(), account.email!, account.password)).status).toBe(401)
    await signUp(baseUrl(), { email: account.email })
  })
})

describe('account deletion', () => {
  it('answers 403 invalid_credentials to a wrong password and keeps the account', async () => {
    const account = await signUp(baseUrl())
    const result = await call(baseUrl(), '/api/users/me', { method: 'DELETE', token: account.token, body: { password: 'not-it-at-all' } })
    expect(result.status).toBe(403)
    expect(result.body).toMatchObject({ data: { code: 'invalid_credentials' } })
    expect((await call(baseUrl(), '/api/auth/me', { token: account.token })).status).toBe(200)
  })

  it('deletes the account and every session; the name is free again', async () => {
    const account = await signUp(baseUrl(), { email: `${uniqueName()}@example.com` })
    const other = await loginUser(baseUrl(), account.username, account.password)
    const viewer = await signUp(baseUrl())
    const result = await call(baseUrl(), '/api/users/me', { method: 'DELETE', token: account.token, body: { password: account.password } })
    expect(result.status).toBe(204)
    expect((await call(baseUrl(), '/api/auth/me', { token: account.token })).status).toBe(401)
    expect((await call(baseUrl(), '/api/auth/me', { token: other.body.accessToken })).status).toBe(401)
    expect((await loginUser(baseUrl(), account.username, account.password)).status).toBe(401)
    expect((await call(baseUrl(), `/api/users/${account.auth.user.id}`, { token: viewer.token })).status).toBe(404)
    await signUp(baseUrl(), { username: account.username, email: account.email })
  })

  it('deletes a guest account on its session alone: guests have no password', async () => {
    const name = uniqueName('g')
    const guest = await call<AuthResult>(baseUrl(), '/api/auth/guest', { body: { username: name } })
    expect(guest.status).toBe(201)
    const result = await call(baseUrl(), '/api/users/me', { method: 'DELETE', token: guest.body.accessToken, body: {} })
    expect(result.status).toBe(204)
    expect((await call(baseUrl(), '/api/auth/me', { token: guest.body.accessToken })).status).toBe(401)
    expect((await call(baseUrl(), '/api/auth/guest', { body: { username: name } })).status).toBe(201)
  })

  it('refuses bad bodies with 400, a missing password included', async () => {
    const account = await signUp(baseUrl())
    for (const body of [{}, { password: { $ne: '' } }, { password: account.password, extra: 1 }]) {
      expect((await call(baseUrl(), '/api/users/me', { method: 'DELETE', token: account.token, body })).status).toBe(400)
    }
  })
})

// On a fresh database, so "the first account ever created" is known.
describe('administration (fresh instance)', () => {
  let database: RunningDatabase
  let server: RunningServer
  const url = () => server.baseUrl
  let admin: TestUser
  let member: TestUser

  beforeAll(async () => {
    database = await startDatabase()
    server = await startServer({ mongoUri: database.uri })
    // Several registrations race to be first: exactly one becomes admin.
    const first = await Promise.all([1, 2, 3, 4].map(() => signUp(server.baseUrl, { email: `${uniqueName()}@example.com` })))
    const admins = first.filter(account => account.auth.user.role === 'admin')
    expect(admins).toHaveLength(1)
    admin = admins[0]!
    member = first.find(account => account.auth.user.role === 'user')!
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.stop()
  })

  it('makes later accounts and guests plain users', async () => {
    expect((await signUp(url())).auth.user.role).toBe('user')
    const guest = await call<AuthResult>(url(), '/api/auth/guest', { body: { username: uniqueName('g') } })
    expect(guest.body.user.role).toBe('guest')
  })

  it('lists users with personal data and banned for admins only', async () => {
    const list = await call<Page<AdminUser>>(url(), '/api/admin/users', { token: admin.token })
    expect(list.status).toBe(200)
    const row = list.body.items.find(u => u.id === member.auth.user.id)
    expect(row).toEqual({ ...member.auth.user, online: expect.any(Boolean), banned: false })
    const search = await call<Page<AdminUser>>(url(), `/api/admin/users?q=${member.email!.slice(0, 8).toUpperCase()}`, { token: admin.token })
    expect(search.body.items.map(u => u.id)).toContain(member.auth.user.id)
    const paged = await call<Page<AdminUser>>(url(), '/api/admin/users?limit=2', { token: admin.token })
    expect(paged.body.items).toHaveLength(2)
    expect(paged.body.nextCursor).toEqual(expect.any(String))
    const forbidden = await call(url(), '/api/admin/users', { token: member.token })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body).toMatchObject({ data: { code: 'forbidden' } })
  })

  it('makes someone admin; the new role applies on their next request', async () => {
    const target = await signUp(url())
    expect((await call(url(), '/api/admin/users', { token: target.token })).status).toBe(403)
    const result = await call<AdminUser>(url(), `/api/admin/users/${target.auth.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'admin' } })
    expect(result.status).toBe(200)
    expect(result.body).toMatchObject({ id: target.auth.user.id, role: 'admin', banned: false })
    expect((await call(url(), '/api/admin/users', { token: target.token })).status).toBe(200)
    await call(url(), `/api/admin/users/${target.auth.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'user' } })
    expect((await call(url(), '/api/admin/users', { token: target.token })).status).toBe(403)
  })

  it('bans: old tokens get 401 at once, new logins 403 banned; unbanning lets them back', async () => {
    const target = await signUp(url())
    const result = await call<AdminUser>(url(), `/api/admin/users/${target.auth.user.id}`, { method: 'PATCH', token: admin.token, body: { banned: true } })
    expect(result.status).toBe(200)
    expect(result.body.banned).toBe(true)
    const old = await call(url(), '/api/auth/me', { token: target.token })
    expect(old.status).toBe(401)
    expect(old.body).toMatchObject({ data: { code: 'unauthorized' } })
    const login = await loginUser(url(), target.username, target.password)
    expect(login.status).toBe(403)
    expect(login.body).toMatchObject({ data: { code: 'banned' } })
    // A wrong password still says invalid_credentials: a ban is only told to the owner.
    expect((await loginUser(url(), target.username, 'wrong-password!')).status).toBe(401)
    await call(url(), `/api/admin/users/${target.auth.user.id}`, { method: 'PATCH', token: admin.token, body: { banned: false } })
    expect((await loginUser(url(), target.username, target.password)).status).toBe(200)
  })

  it('marks a banned person `suspended` for everyone, live, and only while the ban lasts (docs/api-accounts.md)', async () => {
    const [bob, flood] = await Promise.all([signUp(url()), signUp(url())])
    const direct = await call<Chat>(url(), '/api/chats', { token: bob.token, body: { type: 'direct', userId: flood.auth.user.id } })
    const group = await call<Chat>(url(), '/api/chats', { token: bob.token, body: { type: 'group', name: 'Ban watch', memberIds: [flood.auth.user.id] } })
    const floodId = flood.auth.user.id
    // Everywhere Bob reads Flood: the directory, the direct chat's peer, the group's members.
    const seen = async () => {
      const [found, chat, members] = await Promise.all([
        call<Page<User>>(url(), `/api/users?ids=${floodId}`, { token: bob.token }),
        call<Chat>(url(), `/api/chats/${direct.body.id}`, { token: bob.token }),
        call<Page<Member>>(url(), `/api/chats/${group.body.id}/members`, { token: bob.token }),
      ])
      return [found.body.items[0]!, chat.body.peer!, members.body.items.find(member => member.user.id === floodId)!.user]
    }
    for (const user of await seen()) expect(user).not.toHaveProperty('suspended')

    const socket = await TestSocket.connect(url(), { token: bob.token })
    const isAbout = (frame: Frame) => frame.type === 'user.updated' && (frame.user as User).id === floodId
    const patch = (banned: boolean) => call<AdminUser>(url(), `/api/admin/users/${floodId}`, { method: 'PATCH', token: admin.token, body: { banned } })
    expect((await patch(true)).status).toBe(200)
    expect((await socket.waitFor(isAbout)).user).toMatchObject({ id: floodId, suspended: true })
    for (const user of await seen()) {
      expect(user).toMatchObject({ id: floodId, suspended: true })
      // The mark and nothing else of the ban: no reason, no date.
      expect(Object.keys(user).sort()).toEqual(['createdAt', 'displayName', 'id', 'lastSeenAt', 'online', 'role', 'suspended', 'username'])
    }
    // Sending stays allowed (a ban can be lifted); the app says so before Bob writes.
    expect((await call(url(), `/api/chats/${direct.body.id}/messages`, { token: bob.token, body: { content: 'hello banned' } })).status).toBe(201)

    const count = socket.frames.filter(isAbout).length
    expect((await patch(false)).status).toBe(200)
    const lifted = (await socket.waitForCount(isAbout, count + 1)).at(-1)!
    expect(lifted.user).not.toHaveProperty('suspended')
    for (const user of await seen()) expect(user).not.toHaveProperty('suspended')
    await socket.close()
  })

  it('refuses non-admins, unknown users and bad bodies', async () => {
    const patch = (token: string, id: string, body: unknown) => call(url(), `/api/admin/users/${id}`, { method: 'PATCH', token, body })
    expect((await patch(member.token, admin.auth.user.id, { banned: true })).status).toBe(403)
    expect((await patch(admin.token, '0'.repeat(24), { banned: true })).status).toBe(404)
    expect((await patch(admin.token, 'nope', { banned: true })).status).toBe(404)
    for (const body of [{ role: 'owner' }, { role: 'guest' }, { banned: 'yes' }, { banned: true, email: 'x@y.z' }, { role: { $ne: 'user' } }]) {
      expect((await patch(admin.token, member.auth.user.id, body)).status).toBe(400)
    }
    expect((await call(url(), '/api/auth/me', { token: member.token })).status).toBe(200)
  })
})
