import { beforeAll, describe, expect, inject, it } from 'vitest'
import { api, signUp, type TestUser } from '../harness/api-client'

const baseUrl = () => inject('baseUrl')
let ana: TestUser, bob: TestUser, cy: TestUser

beforeAll(async () => {
  // The first account ever registered is a site admin: not one of these (run alone on a fresh database).
  await signUp(baseUrl(), 'first')
  ;[ana, bob, cy] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'bob'), signUp(baseUrl(), 'cy')])
})

describe('chats over HTTP', () => {
  it('requires authentication', async () => {
    const response = await api(baseUrl(), null, 'GET', '/api/chats')
    expect(response.status).toBe(401)
    expect(response.body).toMatchObject({ data: { code: 'unauthorized' } })
  })

  it('creates one direct chat per pair (201, then 200) and refuses yourself', async () => {
    const created = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: bob.id })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ type: 'direct', name: null, memberCount: 2, lastSeq: 0, lastChangeSeq: 0, lastMessage: null, createdBy: ana.id, peer: { id: bob.id } })
    expect(created.body.lastActivityAt).toBe(created.body.createdAt)
    expect(created.body.membership).toMatchObject({ role: 'member', lastReadSeq: 0, unreadCount: 0 })
    const again = await api(baseUrl(), bob, 'POST', '/api/chats', { type: 'direct', username: ana.username.toUpperCase() })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(created.body.id)
    expect(again.body.peer.id).toBe(ana.id)
    const self = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: ana.id })
    expect(self.status).toBe(400)
    expect(self.body.data.code).toBe('validation_failed')
    const detail = await api(baseUrl(), ana, 'GET', `/api/chats/${created.body.id}`)
    expect(detail.body.members.map((m: { id: string }) => m.id).sort()).toEqual([ana.id, bob.id].sort())
    const leave = await api(baseUrl(), ana, 'POST', `/api/chats/${created.body.id}/leave`)
    expect(leave.status).toBe(400)
  })

  it('rejects unknown fields, bad shapes and malformed ids', async () => {
    expect((await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'x', memberIds: [], admin: true })).status).toBe(400)
    expect((await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: '', memberIds: [] })).status).toBe(400)
    expect((await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'x', memberIds: ['0123456789abcdef01234567'] })).status).toBe(400)
    const malformed = await api(baseUrl(), ana, 'GET', '/api/chats/not-an-id')
    expect([400, 404]).toContain(malformed.status)
    const missing = await api(baseUrl(), ana, 'GET', '/api/chats/0123456789abcdef01234567')
    expect(missing.status).toBe(404)
    expect(missing.body.data.code).toBe('not_found')
  })

  it('groups: owner, members, add, remove, roles, hidden from outsiders, deleted when empty', async () => {
    const group = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Project', memberIds: [bob.id] })
    expect(group.status).toBe(201)
    expect(group.body).toMatchObject({ type: 'group', name: 'Project', memberCount: 2, membership: { role: 'owner' } })
    const id = group.body.id
    expect((await api(baseUrl(), cy, 'GET', `/api/chats/${id}`)).status).toBe(404)
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${id}/members`, { userIds: [cy.id] })).status).toBe(403)
    const added = await api(baseUrl(), ana, 'POST', `/api/chats/${id}/members`, { userIds: [cy.id] })
    expect(added.status).toBe(200)
    expect(added.body.memberCount).toBe(3)
    const members = await api(baseUrl(), cy, 'GET', `/api/chats/${id}/members`)
    // By join time: the founders first, the newcomer last.
    expect(members.body.items.map((m: { user: { id: string } }) => m.user.id).slice(0, 2).sort()).toEqual([ana.id, bob.id].sort())
    expect(members.body.items[2].user.id).toBe(cy.id)
    expect(members.body.items.find((m: { user: { id: string } }) => m.user.id === ana.id)).toMatchObject({ role: 'owner', joinedAt: expect.any(String) })
    expect((await api(baseUrl(), bob, 'PATCH', `/api/chats/${id}/members/${cy.id}`, { role: 'admin' })).status).toBe(403)
    expect((await api(baseUrl(), ana, 'PATCH', `/api/chats/${id}/members/${bob.id}`, { role: 'admin' })).status).toBe(200)
    const renamed = await api(baseUrl(), bob, 'PATCH', `/api/chats/${id}`, { name: 'Renamed', topic: 'plans' })
    expect(renamed.body).toMatchObject({ name: 'Renamed', topic: 'plans' })
    expect((await api(baseUrl(), bob, 'DELETE', `/api/chats/${id}/members/${cy.id}`)).status).toBe(204)
    expect((await api(baseUrl(), cy, 'GET', `/api/chats/${id}`)).status).toBe(404)
    // The owner leaves: the admin (bob) becomes owner; then bob leaves and the group is gone.
    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${id}/leave`)).status).toBe(204)
    expect((await api(baseUrl(), bob, 'GET', `/api/chats/${id}`)).body.membership.role).toBe('owner')
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${id}/leave`)).status).toBe(204)
    expect((await api(baseUrl(), bob, 'GET', `/api/chats/${id}`)).status).toBe(404)
  })

  it('a member added to a chat with history has read nothing of it: no "Seen" until they read past where they joined', async () => {
    const group = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Plans', memberIds: [bob.id] })).body
    await api(baseUrl(), ana, 'POST', `/api/chats/${group.id}/messages`, { content: 'before cy' })
    await api(baseUrl(), ana, 'POST', `/api/chats/${group.id}/messages`, { content: 'still before cy' })
    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${group.id}/members`, { userIds: [cy.id] })).status).toBe(200)
    const readOf = async (userId: string) => (await api(baseUrl(), ana, 'GET', `/api/chats/${group.id}/members`)).body.items.find((m: { user: { id: string } }) => m.user.id === userId).lastReadSeq
    // Nothing unread for the newcomer, and nothing read either.
    expect((await api(baseUrl(), cy, 'GET', `/api/chats/${group.id}`)).body.membership).toMatchObject({ unreadCount: 0, lastReadSeq: 2 })
    expect(await readOf(cy.id)).toBe(0)
    const after = (await api(baseUrl(), ana, 'POST', `/api/chats/${group.id}/messages`, { content: 'welcome cy' })).body
    expect((await api(baseUrl(), cy, 'POST', `/api/chats/${group.id}/read`, { seq: after.seq })).status).toBe(204)
    expect(await readOf(cy.id)).toBe(after.seq)
  })

  it('channels: unique names in any case, public directory, join, delete', async () => {
    const name = `Lobby ${Date.now()}`
    const channel = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name, topic: 'hi' })
    expect(channel.status).toBe(201)
    expect(channel.body).toMatchObject({ type: 'channel', name, topic: 'hi', membership: { role: 'owner' } })
    const taken = await api(baseUrl(), bob, 'POST', '/api/chats', { type: 'channel', name: name.toUpperCase() })
    expect(taken.status).toBe(409)
    expect(taken.body.data.code).toBe('name_taken')
    const id = channel.body.id
    const visible = await api(baseUrl(), cy, 'GET', `/api/chats/${id}`)
    expect(visible.status).toBe(200)
    expect(visible.body.membership).toBeNull()
    const directory = await api(baseUrl(), cy, 'GET', `/api/chats/public?q=${encodeURIComponent(name.slice(0, 8).toLowerCase())}`)
    expect(directory.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({ joined: false })
    // A word from the middle of the name or from the topic finds it too, in any case.
    const topic = `Trails and peaks ${Date.now()}`
    expect((await api(baseUrl(), ana, 'PATCH', `/api/chats/${id}`, { topic })).status).toBe(200)
    for (const q of [name.slice(6), topic.slice(4).toUpperCase()]) {
      const found = await api(baseUrl(), cy, 'GET', `/api/chats/public?q=${encodeURIComponent(q)}&limit=100`)
      expect(found.body.items.map((c: { id: string }) => c.id), q).toContain(id)
    }
    const post = await api(baseUrl(), cy, 'POST', `/api/chats/${id}/messages`, { content: 'hi' })
    expect(post.status).toBe(403)
    expect(post.body.data.code).toBe('forbidden')
    await api(baseUrl(), ana, 'POST', `/api/chats/${id}/messages`, { content: 'before cy' })
    const joined = await api(baseUrl(), cy, 'POST', `/api/chats/${id}/join`)
    expect(joined.status).toBe(200)
    // A newcomer starts caught up.
    expect(joined.body.membership).toMatchObject({ role: 'member', lastReadSeq: 1, unreadCount: 0 })
    expect((await api(baseUrl(), cy, 'POST', `/api/chats/${id}/join`)).body.memberCount).toBe(2)
    expect((await api(baseUrl(), cy, 'DELETE', `/api/chats/${id}`)).status).toBe(403)
    expect((await api(baseUrl(), ana, 'DELETE', `/api/chats/${id}`)).status).toBe(204)
    expect((await api(baseUrl(), cy, 'GET', `/api/chats/${id}`)).status).toBe(404)
  })

  it('the directory search ignores a "#" before the name, as the directory writes it; a "#" inside a name, or one a name begins with, is still found', async () => {
    const stamp = Date.now()
    const ids: Record<string, string> = {}
    for (const name of [`e-random-${stamp}`, `c#-${stamp}`, `#hash-${stamp}`]) {
      const created = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name })
      expect(created.status).toBe(201)
      ids[name] = created.body.id
    }
    const found = async (q: string) => (await api(baseUrl(), cy, 'GET', `/api/chats/public?q=${encodeURIComponent(q)}&limit=100`)).body.items.map((c: { id: string }) => c.id)
    expect(await found(`#e-random-${stamp}`)).toEqual([ids[`e-random-${stamp}`]])
    expect(await found(`#E-RANDOM-${stamp}`)).toEqual([ids[`e-random-${stamp}`]])
    expect(await found(`c#-${stamp}`)).toEqual([ids[`c#-${stamp}`]])
    expect(await found(`#c#-${stamp}`)).toEqual([ids[`c#-${stamp}`]])
    expect(await found(`#hash-${stamp}`)).toEqual([ids[`#hash-${stamp}`]])
    expect(await found(`##hash-${stamp}`)).toEqual([ids[`#hash-${stamp}`]])
    for (const id of Object.values(ids)) expect((await api(baseUrl(), ana, 'DELETE', `/api/chats/${id}`)).status).toBe(204)
  })

  it('the directory search ignores case and accents, in names and topics: "cafe" and "CAFÉ" find Café, "munchen" München, "ECOLE" école', async () => {
    const stamp = Date.now()
    const ids: Record<string, string> = {}
    for (const [name, topic] of [[`Café-${stamp}`, null], [`München-${stamp}`, null], [`école-${stamp}`, null], [`plain-${stamp}`, `Lunch at the Crème Brûlée ${stamp}`]] as const) {
      const created = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name, topic })
      expect(created.status).toBe(201)
      ids[name] = created.body.id
    }
    const found = async (q: string) => (await api(baseUrl(), cy, 'GET', `/api/chats/public?q=${encodeURIComponent(q)}&limit=100`)).body.items.map((c: { id: string }) => c.id)
    for (const q of [`cafe-${stamp}`, `CAFÉ-${stamp}`, `#Cafe\u0301-${stamp}`, `afé-${stamp}`]) expect(await found(q), q).toEqual([ids[`Café-${stamp}`]])
    expect(await found(`munchen-${stamp}`)).toEqual([ids[`München-${stamp}`]])
    expect(await found(`ECOLE-${stamp}`)).toEqual([ids[`école-${stamp}`]])
    expect(await found(`creme brulee ${stamp}`)).toEqual([ids[`plain-${stamp}`]])
    // A rename keeps the search in step: the old name no longer finds it, the new one does.
    expect((await api(baseUrl(), ana, 'PATCH', `/api/chats/${ids[`plain-${stamp}`]}`, { name: `Señor-${stamp}`, topic: null })).status).toBe(200)
    expect(await found(`senor-${stamp}`)).toEqual([ids[`plain-${stamp}`]])
    expect(await found(`creme brulee ${stamp}`)).toEqual([])
    for (const id of Object.values(ids)) expect((await api(baseUrl(), ana, 'DELETE', `/api/chats/${id}`)).status).toBe(204)
  })

  it('a channel its owner left empty is owned by whoever joins it next; ?role= names who would own it after its owner', async () => {
    const channel = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: `Porch ${Date.now()}` })
    const id = channel.body.id
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${id}/join`)).status).toBe(200)
    expect((await api(baseUrl(), cy, 'POST', `/api/chats/${id}/join`)).status).toBe(200)
    expect((await api(baseUrl(), ana, 'PATCH', `/api/chats/${id}/members/${cy.id}`, { role: 'admin' })).status).toBe(200)
    // The leave dialog asks who would own it: the longest-standing admin (Cy), not the
    // longest-standing member (Bob); with no admin, the longest-standing member.
    const admins = await api(baseUrl(), ana, 'GET', `/api/chats/${id}/members?role=admin&limit=1`)
    expect(admins.body.items.map((m: { user: { id: string } }) => m.user.id)).toEqual([cy.id])
    const members = await api(baseUrl(), ana, 'GET', `/api/chats/${id}/members?role=member&limit=1`)
    expect(members.body.items.map((m: { user: { id: string } }) => m.user.id)).toEqual([bob.id])
    expect((await api(baseUrl(), ana, 'GET', `/api/chats/${id}/members?role=king`)).status).toBe(400)
    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${id}/leave`)).status).toBe(204)
    expect((await api(baseUrl(), cy, 'GET', `/api/chats/${id}`)).body.membership.role).toBe('owner')

    // Cy, the owner now, and Bob leave: nobody owns the channel, until Ana comes back, who
    // owns it again and may rename or delete it.
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${id}/leave`)).status).toBe(204)
    expect((await api(baseUrl(), cy, 'POST', `/api/chats/${id}/leave`)).status).toBe(204)
    const rejoined = await api(baseUrl(), ana, 'POST', `/api/chats/${id}/join`)
    expect(rejoined.body).toMatchObject({ memberCount: 1, membership: { role: 'owner' } })
    const second = await api(baseUrl(), bob, 'POST', `/api/chats/${id}/join`)
    expect(second.body.membership.role).toBe('member')
    const owners = await api(baseUrl(), bob, 'GET', `/api/chats/${id}/members?role=owner`)
    expect(owners.body.items.map((m: { user: { id: string } }) => m.user.id)).toEqual([ana.id])
    expect((await api(baseUrl(), ana, 'PATCH', `/api/chats/${id}`, { name: `Porch again ${Date.now()}` })).status).toBe(200)
    expect((await api(baseUrl(), ana, 'DELETE', `/api/chats/${id}`)).status).toBe(204)
  })

  it('GET /next-owner names who the handover makes owner: the longest-standing admin, else member, else nobody', async () => {
    const group = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Succession', memberIds: [bob.id, cy.id] })
    const id = group.body.id
    const nextOwner = async () => (await api(baseUrl(), ana, 'GET', `/api/chats/${id}/next-owner`)).body.user?.id ?? null
    expect(await nextOwner()).toBe(bob.id)
    expect((await api(baseUrl(), ana, 'PATCH', `/api/chats/${id}/members/${cy.id}`, { role: 'admin' })).status).toBe(200)
    expect(await nextOwner()).toBe(cy.id)
    // A member asks too (the owner's dialog is not the only reader); outsiders are not told.
    expect((await api(baseUrl(), bob, 'GET', `/api/chats/${id}/next-owner`)).body.user.id).toBe(cy.id)
    const outsider = await signUp(baseUrl(), 'outsider')
    expect((await api(baseUrl(), outsider, 'GET', `/api/chats/${id}/next-owner`)).status).toBe(404)
    // The named one is who gets it.
    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${id}/leave`)).status).toBe(204)
    expect((await api(baseUrl(), cy, 'GET', `/api/chats/${id}`)).body.membership.role).toBe('owner')
    expect((await api(baseUrl(), cy, 'GET', `/api/chats/${id}/next-owner`)).body.user.id).toBe(bob.id)

    const channel = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: `Alone ${Date.now()}` })
    expect((await api(baseUrl(), ana, 'GET', `/api/chats/${channel.body.id}/next-owner`)).body).toEqual({ user: null })
    const direct = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: bob.id })
    expect((await api(baseUrl(), ana, 'GET', `/api/chats/${direct.body.id}/next-owner`)).status).toBe(403)
  })

  it('lists the caller\'s chats by recent activity, paginated', async () => {
    const user = await signUp(baseUrl(), 'list')
    const ids: string[] = []
    for (const peer of [ana, bob, cy]) ids.push((await api(baseUrl(), user, 'POST', '/api/chats', { type: 'direct', userId: peer.id })).body.id)
    await api(baseUrl(), user, 'POST', `/api/chats/${ids[0]}/messages`, { content: 'bump' })
    const first = await api(baseUrl(), user, 'GET', '/api/chats?limit=2')
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual([ids[0], ids[2]])
    expect(first.body.nextCursor).toEqual(expect.any(String))
    const second = await api(baseUrl(), user, 'GET', `/api/chats?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)
    expect(second.body.items.map((c: { id: string }) => c.id)).toEqual([ids[1]])
    expect(second.body.nextCursor).toBeNull()
    expect(first.body.items[0].lastMessage).toMatchObject({ content: 'bump', seq: 1 })
  })

  it('marks read forward only, capped at lastSeq, and counts unread from others', async () => {
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Unread', memberIds: [bob.id] })).body
    for (let i = 0; i < 4; i++) await api(baseUrl(), ana, 'POST', `/api/chats/${chat.id}/messages`, { content: `n${i}` })
    await api(baseUrl(), bob, 'POST', `/api/chats/${chat.id}/messages`, { content: 'reply' })
    expect((await api(baseUrl(), bob, 'GET', `/api/chats/${chat.id}`)).body.membership.unreadCount).toBe(4)
    expect((await api(baseUrl(), ana, 'GET', `/api/chats/${chat.id}`)).body.membership.unreadCount).toBe(1)
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${chat.id}/read`, { seq: 2 })).status).toBe(204)
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${chat.id}/read`, { seq: 1 })).status).toBe(204)
    expect((await api(baseUrl(), bob, 'GET', `/api/chats/${chat.id}`)).body.membership).toMatchObject({ lastReadSeq: 2, unreadCount: 2 })
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${chat.id}/read`, { seq: 99 })).status).toBe(204)
    expect((await api(baseUrl(), bob, 'GET', `/api/chats/${chat.id}`)).body.membership).toMatchObject({ lastReadSeq: 5, unreadCount: 0 })
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${chat.id}/read`, { seq: -1 })).status).toBe(400)
    expect((await api(baseUrl(), cy, 'POST', `/api/chats/${chat.id}/read`, { seq: 1 })).status).toBe(404)
  })

  it('keeps a sender\'s own messages out of their unread count, and moves a sender who never reads past their older ones', async () => {
    // server/services/messages/own-messages.ts: MAX_OWN_SEQS_KEPT (100) own messages above
    // lastReadSeq are remembered; the next cuts them to the latest 50.
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Bot', memberIds: [bob.id] })).body
    await api(baseUrl(), bob, 'POST', `/api/chats/${chat.id}/messages`, { content: 'before the bot' })
    for (let i = 0; i < 100; i++) expect((await api(baseUrl(), ana, 'POST', `/api/chats/${chat.id}/messages`, { content: `bot ${i}` })).status).toBe(201)
    expect((await api(baseUrl(), ana, 'GET', `/api/chats/${chat.id}`)).body.membership).toMatchObject({ lastReadSeq: 0, unreadCount: 1 })
    await api(baseUrl(), ana, 'POST', `/api/chats/${chat.id}/messages`, { content: 'bot 100' })
    // Seqs 2-102 are the bot's: the latest 50 (53-102) stay remembered, 52 and before are read.
    expect((await api(baseUrl(), ana, 'GET', `/api/chats/${chat.id}`)).body.membership).toMatchObject({ lastReadSeq: 52, unreadCount: 0 })
    await api(baseUrl(), bob, 'POST', `/api/chats/${chat.id}/messages`, { content: 'after the bot' })
    expect((await api(baseUrl(), ana, 'GET', `/api/chats/${chat.id}`)).body.membership).toMatchObject({ lastReadSeq: 52, unreadCount: 1 })
    expect((await api(baseUrl(), bob, 'GET', `/api/chats/${chat.id}`)).body.membership).toMatchObject({ lastReadSeq: 0, unreadCount: 101 })
  })

  it('lists each member\'s read position, so "Seen" survives a reload', async () => {
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Seen', memberIds: [bob.id] })).body
    for (let i = 0; i < 3; i++) await api(baseUrl(), ana, 'POST', `/api/chats/${chat.id}/messages`, { content: `s${i}` })
    expect((await api(baseUrl(), bob, 'POST', `/api/chats/${chat.id}/read`, { seq: 2 })).status).toBe(204)
    await api(baseUrl(), ana, 'POST', `/api/chats/${chat.id}/members`, { userIds: [cy.id] })
    const members = await api(baseUrl(), ana, 'GET', `/api/chats/${chat.id}/members`)
    expect(members.status).toBe(200)
    const readBy = Object.fromEntries(members.body.items.map((m: { user: { id: string }, lastReadSeq: number }) => [m.user.id, m.lastReadSeq]))
    // Sending is not reading (the sender's position stays); someone added later has read nothing yet.
    expect(readBy).toEqual({ [ana.id]: 0, [bob.id]: 2, [cy.id]: 0 })
    // By join time: the creator and first members together (then by id), the newcomer last.
    const order = members.body.items.map((m: { user: { id: string } }) => m.user.id)
    expect(order.slice(0, 2).sort()).toEqual([ana.id, bob.id].sort())
    expect(order[2]).toBe(cy.id)

    // Pages by join time, the field on every page.
    const first = await api(baseUrl(), bob, 'GET', `/api/chats/${chat.id}/members?limit=2`)
    expect(first.body.items).toHaveLength(2)
    const second = await api(baseUrl(), bob, 'GET', `/api/chats/${chat.id}/members?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)
    expect(second.body.items).toEqual([expect.objectContaining({ user: expect.objectContaining({ id: cy.id }), role: 'member', lastReadSeq: 0 })])
    expect(second.body.nextCursor).toBeNull()
    expect((await api(baseUrl(), null, 'GET', `/api/chats/${chat.id}/members`)).status).toBe(401)
  })
})
