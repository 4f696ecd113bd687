import { beforeAll, describe, expect, inject, it } from 'vitest'
import { api, signUp, uniqueName, type TestUser } from '../harness/api-client'

// GET /api/chats/:id/members?q= (docs/api.md): the members whose username or display name
// starts with the typed prefix, for the composer's @ completion. Members only: a mention of
// anyone else notifies nobody (docs/messages.md, "Mentions").

const baseUrl = () => inject('baseUrl')
type MemberPage = { items: { user: { id: string, username: string }, role: string }[], nextCursor: string | null }
const names = (page: MemberPage) => page.items.map(member => member.user.username)

let owner: TestUser, outsider: TestUser
let tag: string
let byName: TestUser[], byDisplayName: TestUser, erica: TestUser, others: TestUser[]

beforeAll(async () => {
  // The first account ever registered is a site admin: not one of these.
  await signUp(baseUrl(), 'first')
  tag = uniqueName('ms')
  ;[owner, outsider] = await Promise.all([signUp(baseUrl(), 'owner'), signUp(baseUrl(), 'outsider')])
  byName = await Promise.all(['a', 'c', 'e'].map(end => signUp(baseUrl(), { username: `${tag}${end}` })))
  byDisplayName = await signUp(baseUrl(), { username: uniqueName('zz'), displayName: `${tag.toUpperCase()} by name` })
  erica = await signUp(baseUrl(), { username: uniqueName('erica'), displayName: 'Érica Souza' })
  // Not members, with names that match just as well.
  others = await Promise.all([
    signUp(baseUrl(), { username: `${tag}b` }),
    signUp(baseUrl(), { username: uniqueName('zz'), displayName: `${tag} outside` }),
    signUp(baseUrl(), { username: uniqueName('erica'), displayName: 'Érica Outside' }),
  ])
})

let channels = 0
async function channelWithMembers(): Promise<string> {
  const channel = await api(baseUrl(), owner, 'POST', '/api/chats', { type: 'channel', name: `search ${tag} ${++channels}` })
  expect(channel.status).toBe(201)
  for (const member of [...byName, byDisplayName, erica]) {
    expect((await api(baseUrl(), member, 'POST', `/api/chats/${channel.body.id}/join`)).status).toBe(200)
  }
  return channel.body.id
}

describe('searching a chat\'s members', () => {
  it('in a channel: members only, by username or display name prefix without case, in username order', async () => {
    const id = await channelWithMembers()
    const found = await api<MemberPage>(baseUrl(), owner, 'GET', `/api/chats/${id}/members?q=${tag.toUpperCase()}`)
    expect(found.status).toBe(200)
    expect(names(found.body)).toEqual([...byName.map(member => member.username), byDisplayName.username])
    expect(found.body.nextCursor).toBeNull()
    // A display name outside ASCII, typed in another case.
    const accented = await api<MemberPage>(baseUrl(), owner, 'GET', `/api/chats/${id}/members?q=${encodeURIComponent('éRI')}`)
    expect(names(accented.body)).toEqual([erica.username])
    // Nobody outside the channel, whatever matches.
    for (const other of others) {
      const page = await api<MemberPage>(baseUrl(), owner, 'GET', `/api/chats/${id}/members?q=${other.username}`)
      expect(page.body.items).toEqual([])
    }
    // With role: only those of that role among them.
    expect(names((await api<MemberPage>(baseUrl(), owner, 'GET', `/api/chats/${id}/members?q=${tag}&role=owner`)).body)).toEqual([])
    // An empty q is the plain list, by join time.
    const plain = await api<MemberPage>(baseUrl(), owner, 'GET', `/api/chats/${id}/members?q=`)
    expect(names(plain.body)[0]).toBe(owner.username)
    expect((await api(baseUrl(), owner, 'GET', `/api/chats/${id}/members?q=${'x'.repeat(65)}`)).status).toBe(400)
  })

  it('pages by the cursor, each member once', async () => {
    const id = await channelWithMembers()
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
      const page: MemberPage = (await api<MemberPage>(baseUrl(), owner, 'GET', `/api/chats/${id}/members?q=${tag}&limit=2${query}`)).body
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...names(page))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual([...byName.map(member => member.username), byDisplayName.username])
  })

  it('a non-member gets what a non-member gets for the member list: a channel\'s members, a group\'s 404', async () => {
    const id = await channelWithMembers()
    const asOutsider = await api<MemberPage>(baseUrl(), outsider, 'GET', `/api/chats/${id}/members?q=${tag}`)
    expect((await api(baseUrl(), outsider, 'GET', `/api/chats/${id}/members`)).status).toBe(200)
    expect(asOutsider.status).toBe(200)
    expect(names(asOutsider.body)).toEqual([...byName.map(member => member.username), byDisplayName.username])

    const group = await api(baseUrl(), owner, 'POST', '/api/chats', { type: 'group', name: 'Search', memberIds: [byName[0]!.id, erica.id] })
    expect(group.status).toBe(201)
    expect((await api(baseUrl(), outsider, 'GET', `/api/chats/${group.body.id}/members`)).status).toBe(404)
    expect((await api(baseUrl(), outsider, 'GET', `/api/chats/${group.body.id}/members?q=${tag}`)).status).toBe(404)
    // A member of the group searches it the same way: its members only.
    expect(names((await api<MemberPage>(baseUrl(), erica, 'GET', `/api/chats/${group.body.id}/members?q=${tag}`)).body)).toEqual([byName[0]!.username])
    expect(names((await api<MemberPage>(baseUrl(), byName[0]!, 'GET', `/api/chats/${group.body.id}/members?q=${encodeURIComponent('érica s')}`)).body)).toEqual([erica.username])
  })
})
