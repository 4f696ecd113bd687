import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types/api'
import type { RunningServer } from '../../scripts/lib/stack.mjs'
import { api, eventually, signUp, type TestUser } from '../harness/api-client'
import { startJoinedInstances, type JoinedInstances } from '../harness/redis'
import { TestSocket, type Frame } from '../harness/ws-client'

// Two instances on two ports, one database, one redis-server: events cross between them.
let instances: JoinedInstances
let one: RunningServer
let two: RunningServer
const sockets: TestSocket[] = []

beforeAll(async () => {
  instances = await startJoinedInstances(inject('mongoUri'))
  ;({ one, two } = instances)
}, 120_000)

afterAll(async () => {
  await Promise.all(sockets.map(socket => socket.close()))
  await instances?.stop()
})

async function connect(server: RunningServer, user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.baseUrl, { token: user.token })
  sockets.push(socket)
  return socket
}

const created = (chatId: string) => (frame: Frame) => frame.type === 'message.created' && frame.chatId === chatId

describe('two instances joined by Redis', () => {
  it('report the Redis bus in health', async () => {
    for (const server of [one, two]) {
      expect(await (await fetch(`${server.baseUrl}/api/health`)).json()).toMatchObject({ status: 'ok', bus: 'redis' })
    }
  })

  it('deliver a message sent on one instance to sockets on the other, and subscribe new members everywhere', async () => {
    const [ana, bob] = await Promise.all([signUp(one.baseUrl, 'ana'), signUp(one.baseUrl, 'bob')])
    const bobSocket = await connect(two, bob)
    const chat = (await api(one.baseUrl, ana, 'POST', '/api/chats', { type: 'direct', userId: bob.id })).body.id
    await bobSocket.waitFor(frame => frame.type === 'chat.created')
    const sent = await api<Message>(one.baseUrl, ana, 'POST', `/api/chats/${chat}/messages`, { content: 'across' })
    const received = await bobSocket.waitFor(created(chat))
    expect((received.message as Message).id).toBe(sent.body.id)
    // Revoking a session on instance one closes its socket on instance two.
    await api(one.baseUrl, bob, 'POST', '/api/auth/logout')
    expect((await bobSocket.closed).code).toBe(4401)
  })

  it('deliver a channel\'s message to someone watching it on the other instance without joining', async () => {
    const [owner, visitor] = await Promise.all([signUp(one.baseUrl, 'own'), signUp(one.baseUrl, 'peek')])
    const channel = (await api(one.baseUrl, owner, 'POST', '/api/chats', { type: 'channel', name: `peek-${visitor.username}` })).body.id
    const watcher = await connect(two, visitor)
    expect(await watcher.request({ type: 'chat.watch', chatId: channel })).toMatchObject({ type: 'ack', chat: { id: channel } })
    const sent = await api<Message>(one.baseUrl, owner, 'POST', `/api/chats/${channel}/messages`, { content: 'seen from afar' })
    expect(((await watcher.waitFor(created(channel))).message as Message).id).toBe(sent.body.id)
  })

  it('share presence: online on one instance is online everywhere, then offline', async () => {
    const [watcher, walker] = await Promise.all([signUp(one.baseUrl, 'watch'), signUp(one.baseUrl, 'walk')])
    await api(one.baseUrl, watcher, 'POST', '/api/chats', { type: 'direct', userId: walker.id })
    const watching = await connect(one, watcher)
    const walking = await TestSocket.connect(two.baseUrl, { token: walker.token })
    await watching.waitFor(frame => frame.type === 'presence' && frame.userId === walker.id && frame.online === true)
    expect((await api(one.baseUrl, watcher, 'GET', `/api/users/${walker.id}`)).body.online).toBe(true)
    await walking.close()
    await watching.waitFor(frame => frame.type === 'presence' && frame.userId === walker.id && frame.online === false)
    expect((await api(one.baseUrl, watcher, 'GET', `/api/users/${walker.id}`)).body).toMatchObject({ online: false, lastSeenAt: expect.any(String) })
  })

  it('store concurrent sends from both instances once each, in one order seen everywhere', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, (_, i) => signUp(one.baseUrl, `multi${i}`)))
    const chat = (await api(one.baseUrl, users[0]!, 'POST', '/api/chats', { type: 'group', name: 'Both', memberIds: users.slice(1).map(u => u.id) })).body.id
    const connected = await Promise.all(users.map((user, i) => connect(i % 2 ? two : one, user)))
    const perClient = 25
    const acks = await Promise.all(connected.map((socket, s) => Promise.all(Array.from({ length: perClient }, (_, i) =>
      socket.request({ type: 'message.send', chatId: chat, content: `c${s} m${i}`, clientId: `c${s}-${i}` }, 60_000)))))
    const total = perClient * connected.length
    const ids = acks.flat().map(ack => (ack.message as Message).id)
    expect(new Set(ids).size).toBe(total)
    const seqs = acks.flat().map(ack => (ack.message as Message).seq).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    const orders = await Promise.all(connected.map(async socket => (await socket.waitForCount(created(chat), total, 60_000)).map(frame => (frame.message as Message).seq)))
    for (const order of orders) expect(order).toEqual(orders[0])
    expect(orders[0]).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    // A replayed clientId on the other instance returns the original.
    const first = acks[0]![0]!.message as Message
    const replay = await connected[1]!.request({ type: 'message.send', chatId: chat, content: 'again', clientId: 'c1-0' })
    expect((replay.message as Message).id).toBe((acks[1]![0]!.message as Message).id)
    expect(first.seq).toBeGreaterThan(0)
    const page = await api(two.baseUrl, users[0]!, 'GET', `/api/chats/${chat}/messages?limit=100`)
    expect(page.body.items.at(-1).seq).toBe(total)
  }, 120_000)
})

describe('what an instance remembers for sends (server/services/messages/send-cache.ts)', () => {
  it('refuses a send on one instance right after the member was removed on the other', async () => {
    const [owner, member] = await Promise.all([signUp(one.baseUrl, 'rmown'), signUp(one.baseUrl, 'rmmem')])
    const chat = (await api(one.baseUrl, owner, 'POST', '/api/chats', { type: 'group', name: 'Removal', memberIds: [member.id] })).body.id as string
    // Instance two remembers the membership from this send.
    expect((await api(two.baseUrl, member, 'POST', `/api/chats/${chat}/messages`, { content: 'before' })).status).toBe(201)
    expect((await api(one.baseUrl, owner, 'DELETE', `/api/chats/${chat}/members/${member.id}`)).status).toBe(204)
    // At once, without waiting for the event to cross: the membership is read again under the lock.
    const after = await api(two.baseUrl, member, 'POST', `/api/chats/${chat}/messages`, { content: 'after' })
    expect(after.status).toBe(404)
    const page = await api(one.baseUrl, owner, 'GET', `/api/chats/${chat}/messages?limit=10`)
    expect(page.body.items.map((message: Message) => message.content)).toEqual(['before'])
  })

  it('shows a sender renamed on one instance by the new name on their next message sent on the other', async () => {
    const [ana, bob] = await Promise.all([signUp(one.baseUrl, 'rnana'), signUp(one.baseUrl, 'rnbob')])
    const chat = (await api(one.baseUrl, ana, 'POST', '/api/chats', { type: 'group', name: 'Rename', memberIds: [bob.id] })).body.id as string
    const watching = await connect(two, bob)
    expect((await api<Message>(two.baseUrl, ana, 'POST', `/api/chats/${chat}/messages`, { content: 'old name' })).body.sender.displayName).not.toBe('Ana Renamed')
    expect((await api(one.baseUrl, ana, 'PATCH', '/api/users/me', { displayName: 'Ana Renamed' })).status).toBe(200)
    // Bob's app on the other instance hears the new name too.
    await watching.waitFor(frame => frame.type === 'user.updated' && (frame.user as { id: string, displayName: string }).id === ana.id && (frame.user as { displayName: string }).displayName === 'Ana Renamed')
    // The bus keeps instance one's order: once its next message reaches a socket on two, two heard of the rename.
    const barrier = await api<Message>(one.baseUrl, ana, 'POST', `/api/chats/${chat}/messages`, { content: 'barrier' })
    await watching.waitFor(frame => frame.type === 'message.created' && (frame.message as Message).id === barrier.body.id)
    const next = await api<Message>(two.baseUrl, ana, 'POST', `/api/chats/${chat}/messages`, { content: 'new name' })
    expect(next.body.sender.displayName).toBe('Ana Renamed')
  })
})

describe('one user\'s chat list changed from both instances at once', () => {
  it('keeps every chat: the list and `ready` show all of them on either instance, and leaving removes exactly those left', async () => {
    const [ana, bob] = await Promise.all([signUp(one.baseUrl, 'lista'), signUp(one.baseUrl, 'listb')])
    const count = 24
    const servers = (i: number) => (i % 2 ? two : one).baseUrl
    const created = await Promise.all(Array.from({ length: count }, (_, i) =>
      api(servers(i), ana, 'POST', '/api/chats', { type: 'group', name: `Burst ${i}`, memberIds: [bob.id] })))
    expect(created.map(response => response.status)).toEqual(Array(count).fill(201))
    const ids = created.map(response => response.body.id as string).sort()

    const listed = async (server: RunningServer, user: TestUser) =>
      (await api(server.baseUrl, user, 'GET', '/api/chats?limit=100')).body.items.map((chat: { id: string }) => chat.id).sort()
    const ready = async (server: RunningServer, user: TestUser) => {
      const socket = await connect(server, user)
      const frame = socket.frames.find(candidate => candidate.type === 'ready')!
      await socket.close()
      return (frame.chats as { id: string }[]).map(chat => chat.id).sort()
    }
    for (const server of [one, two]) {
      for (const user of [ana, bob]) {
        expect(await listed(server, user)).toEqual(ids)
        expect(await ready(server, user)).toEqual(ids)
      }
    }

    const left = ids.filter((_, i) => i % 2 === 0)
    const leaves = await Promise.all(left.map((id, i) => api(servers(i), bob, 'POST', `/api/chats/${id}/leave`)))
    expect(leaves.map(response => response.status)).toEqual(Array(left.length).fill(204))
    const kept = ids.filter(id => !left.includes(id))
    for (const server of [one, two]) {
      expect(await listed(server, bob)).toEqual(kept)
      expect(await ready(server, bob)).toEqual(kept)
      expect(await listed(server, ana)).toEqual(ids)
    }
  }, 120_000)
})

describe('the per-user socket cap across instances', () => {
  it('refuses a user\'s 21st socket on either instance with 429, and a closed socket frees a place', async () => {
    const user = await signUp(one.baseUrl, 'cap')
    const chat = (await api(one.baseUrl, user, 'POST', '/api/chats', { type: 'group', name: 'Cap', memberIds: [] })).body.id as string
    const onOne = await Promise.all(Array.from({ length: 10 }, () => connect(one, user)))
    const onTwo = await Promise.all(Array.from({ length: 10 }, () => connect(two, user)))
    // The bus keeps each instance's order: once a message sent through one instance reaches a
    // socket on the other, the other has also heard of the sockets opened before it.
    const crossed = async (from: RunningServer, to: TestSocket) => {
      const sent = await api<Message>(from.baseUrl, user, 'POST', `/api/chats/${chat}/messages`, { content: 'barrier' })
      await to.waitFor(frame => frame.type === 'message.created' && (frame.message as Message).id === sent.body.id)
    }
    await crossed(one, onTwo[0]!)
    await crossed(two, onOne[0]!)
    expect(await TestSocket.upgradeStatus(one.baseUrl, { token: user.token })).toBe(429)
    expect(await TestSocket.upgradeStatus(two.baseUrl, { token: user.token })).toBe(429)
    // In-band authentication cannot answer 429: the socket is closed with 1008.
    const inBand = await TestSocket.connect(one.baseUrl)
    inBand.send({ type: 'auth', token: user.token })
    expect((await inBand.closed).code).toBe(1008)

    await onTwo[0]!.close()
    await eventually(async () => (await TestSocket.upgradeStatus(one.baseUrl, { token: user.token })) === 101, 20_000)
  }, 120_000)
})

describe('an instance that dies', () => {
  let pair: JoinedInstances
  let alive: RunningServer
  let doomed: RunningServer

  beforeAll(async () => {
    // An instance silent for three of these is gone: 1 s (30 s in production) keeps the
    // test short while a live instance the machine's load stalls for up to 2 s is not
    // taken for dead; the test waits for the outcome, never for a deadline.
    pair = await startJoinedInstances(inject('mongoUri'), { NUXT_TIMINGS_INSTANCE_ALIVE_MS: '1000' })
    ;({ one: alive, two: doomed } = pair)
  }, 120_000)
  afterAll(() => pair?.stop())

  it('takes its users offline on the others once it stops saying it is alive, and frees their sockets\' places', async () => {
    const [watcher, walker] = await Promise.all([signUp(alive.baseUrl, 'watch'), signUp(alive.baseUrl, 'crash')])
    const chat = (await api(alive.baseUrl, watcher, 'POST', '/api/chats', { type: 'direct', userId: walker.id })).body.id as string
    const watching = await connect(alive, watcher)
    await Promise.all(Array.from({ length: 20 }, () => TestSocket.connect(doomed.baseUrl, { token: walker.token })))
    await watching.waitFor(frame => frame.type === 'presence' && frame.userId === walker.id && frame.online === true)
    // Once a message sent through the doomed instance arrives, the other has heard of all 20 sockets.
    const sent = await api<Message>(doomed.baseUrl, walker, 'POST', `/api/chats/${chat}/messages`, { content: 'still here' })
    await watching.waitFor(frame => frame.type === 'message.created' && (frame.message as Message).id === sent.body.id)
    expect(await TestSocket.upgradeStatus(alive.baseUrl, { token: walker.token })).toBe(429)
    await doomed.stop('SIGKILL')
    await watching.waitFor(frame => frame.type === 'presence' && frame.userId === walker.id && frame.online === false, 25_000)
    expect((await api(alive.baseUrl, watcher, 'GET', `/api/users/${walker.id}`)).body.online).toBe(false)
    expect(await TestSocket.upgradeStatus(alive.baseUrl, { token: walker.token })).toBe(101)
  })
})
