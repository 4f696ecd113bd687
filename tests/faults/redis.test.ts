import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import type { Message } from '#shared/types/api'
import { api, eventually, loginUser, signUp, TEST_PASSWORD } from '../harness/api-client'
import { checkChat, OutboxClient, percentile, printFigures, startFaultDatabase, startFaultRedis, storedMessages, type FaultDatabase, type FaultRedis } from '../harness/faults'

// Defect 2 of issue 17: Redis stalled (SIGSTOP) and killed (then started again) under
// traffic on two instances. Each instance keeps acking its own clients' sends and
// delivering to its own sockets; logins still work (the limiter falls back to memory);
// health says `bus: "degraded"`; when Redis is back every client catches up, so each
// ends with the stored order, and nothing acked is lost or duplicated.

let database: FaultDatabase
let redis: FaultRedis
let one: RunningServer
let two: RunningServer
const clients: OutboxClient[] = []

beforeAll(async () => {
  ;[database, redis] = await Promise.all([startFaultDatabase(), startFaultRedis()])
  ;[one, two] = await Promise.all([
    startServer({ mongoUri: database.uri, env: { NUXT_REDIS_URL: redis.url } }),
    startServer({ mongoUri: database.uri, env: { NUXT_REDIS_URL: redis.url } }),
  ])
})

afterAll(async () => {
  await Promise.all(clients.map(client => client.close()))
  await Promise.all([one?.stop('SIGKILL'), two?.stop('SIGKILL')])
  await redis?.stop()
  await database?.stop()
})

async function busOf(server: RunningServer): Promise<string> {
  const health = await fetch(`${server.baseUrl}/api/health`).then(response => response.json()) as { bus: string }
  return health.bus
}

async function trafficOnBoth(prefix: string) {
  const users = await Promise.all(Array.from({ length: 4 }, (_, i) => signUp(one.baseUrl, `${prefix}${i}`)))
  const chatId = (await api(one.baseUrl, users[0]!, 'POST', '/api/chats', { type: 'group', name: prefix, memberIds: users.slice(1).map(user => user.id) })).body.id as string
  // Two people on each instance.
  const group = users.map((user, i) => new OutboxClient(user, chatId, () => (i < 2 ? one : two), 2))
  clients.push(...group)
  await Promise.all(group.map(client => client.connect()))
  let round = 0
  const timer = setInterval(() => {
    for (const [index, client] of group.entries()) client.enqueue(1, `${prefix}${index}-${round}`)
    round++
  }, 200)
  return { users, chatId, group, stop: () => clearInterval(timer) }
}

type Traffic = Awaited<ReturnType<typeof trafficOnBoth>>

/** What happened on each instance between `from` and `to`: acks, and messages seen live by a neighbour on the same instance. */
function duringOutage(traffic: Traffic, from: number, to: number) {
  const [a0, a1, b0, b1] = traffic.group as [OutboxClient, OutboxClient, OutboxClient, OutboxClient]
  const ackedIn = (clients: OutboxClient[]) => clients.flatMap(client => client.acked).filter(item => item.ackedAt >= from && item.ackedAt <= to)
  const seenLiveBy = (neighbour: OutboxClient, senders: OutboxClient[]) => ackedIn(senders).filter(item => (neighbour.liveAt.get(item.ack!.seq) ?? Infinity) <= to).length
  return {
    ackedOnOne: ackedIn([a0, a1]).length,
    ackedOnTwo: ackedIn([b0, b1]).length,
    liveOnOne: seenLiveBy(a1, [a0]),
    liveOnTwo: seenLiveBy(b1, [b0]),
  }
}

/** Each instance kept acking its own clients' sends and delivering them live to its own sockets. */
function expectServedLocally(outage: ReturnType<typeof duringOutage>) {
  expect(outage.ackedOnOne).toBeGreaterThan(0)
  expect(outage.ackedOnTwo).toBeGreaterThan(0)
  expect(outage.liveOnOne).toBeGreaterThan(0)
  expect(outage.liveOnTwo).toBeGreaterThan(0)
}

async function finish(name: string, traffic: Traffic, extra: Record<string, number | string>) {
  traffic.stop()
  await Promise.all(traffic.group.map(client => client.settle()))
  const stored = await storedMessages(two.baseUrl, traffic.users[0]!, traffic.chatId)
  const caughtUp = Date.now()
  await eventually(() => checkChat(traffic.group, stored).viewsMatching === traffic.group.length, 30_000).catch(() => null)
  const figures = checkChat(traffic.group, stored)
  printFigures(name, {
    ...figures, viewsMatching: `${figures.viewsMatching}/${traffic.group.length}`, catchUpSeconds: ((Date.now() - caughtUp) / 1000).toFixed(1),
    p99AckMs: percentile(traffic.group.flatMap(client => client.latencies), 99),
    reconnects: traffic.group.reduce((sum, client) => sum + client.reconnects, 0),
    errors: JSON.stringify(Object.fromEntries(traffic.group.flatMap(client => [...client.errors]))), ...extra,
  })
  expect(figures).toMatchObject({ lost: 0, duplicated: 0, foreign: 0 })
  expect(figures.stored).toBe(figures.acked)
  expect(stored.map((message: Message) => message.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1))
  expect(figures.viewsMatching).toBe(traffic.group.length)
}

describe('Redis stalled or killed under traffic on two instances', () => {
  it('keeps acking and delivering locally while Redis is stalled, and everyone catches up after', async () => {
    const traffic = await trafficOnBoth('rstall')
    await eventually(() => traffic.group.every(client => client.acked.length >= 3), 30_000)
    const login = traffic.users[0]!
    await redis.stall()
    const stalledAt = Date.now()
    await new Promise(resolve => setTimeout(resolve, 1_500))
    const [busDuring, loginDuring] = await Promise.all([busOf(one), loginUser(one.baseUrl, login.username, TEST_PASSWORD)])
    await new Promise(resolve => setTimeout(resolve, Math.max(0, 6_000 - (Date.now() - stalledAt))))
    const outage = duringOutage(traffic, stalledAt, Date.now())
    redis.resume()
    const busAfter = await eventually(async () => (await busOf(one)) === 'redis' && 'redis', 20_000).catch(() => busOf(one))
    await finish('redis SIGSTOP 6 s', traffic, { ...outage, busDuring, busAfter, loginDuring: loginDuring.status })
    expectServedLocally(outage)
    expect(busDuring).toBe('degraded')
    expect(busAfter).toBe('redis')
    expect(loginDuring.status).toBe(200)
  })

  it('keeps acking and delivering locally while Redis is dead, and everyone catches up once it is back', async () => {
    const traffic = await trafficOnBoth('rkill')
    await eventually(() => traffic.group.every(client => client.acked.length >= 3), 30_000)
    await redis.kill()
    const killedAt = Date.now()
    await new Promise(resolve => setTimeout(resolve, 1_500))
    const busDuring = await busOf(two)
    await new Promise(resolve => setTimeout(resolve, Math.max(0, 5_000 - (Date.now() - killedAt))))
    const outage = duringOutage(traffic, killedAt, Date.now())
    await redis.start()
    const restartedAt = Date.now()
    const busAfter = await eventually(async () => (await busOf(two)) === 'redis' && 'redis', 20_000).catch(() => busOf(two))
    await finish('redis SIGKILL and restart', traffic, { ...outage, busDuring, busAfter, busBackSeconds: ((Date.now() - restartedAt) / 1000).toFixed(1) })
    expectServedLocally(outage)
    expect(busDuring).toBe('degraded')
    expect(busAfter).toBe('redis')
  })
})
