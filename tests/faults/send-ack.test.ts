import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import type { Message } from '#shared/types/api'
import { api, eventually, signUp, type TestUser } from '../harness/api-client'
import { checkChat, OutboxClient, percentile, printFigures, startFaultDatabase, startFaultRedis, storedMessages, type FaultDatabase, type FaultRedis } from '../harness/faults'
import { waitForLogLine } from '../harness/shutdown'

// Defect 1 of issue 17: an instance that dies between claiming a send's clientId key and
// storing the message. The ack must name the sender's own stored message, or not happen.
// The lease after which a key whose message never came is repaired is shortened to 3 s.
const LEASE_ENV = { NUXT_TIMINGS_CLIENT_KEY_LEASE_MS: '3000' }

let database: FaultDatabase
let redis: FaultRedis
const servers: RunningServer[] = []
const clients: OutboxClient[] = []

beforeAll(async () => {
  ;[database, redis] = await Promise.all([startFaultDatabase(), startFaultRedis()])
})

afterAll(async () => {
  await Promise.all(clients.map(client => client.close()))
  await Promise.all(servers.map(server => server.stop('SIGKILL')))
  await Promise.all([redis?.stop(), database?.stop()])
})

async function instance(env: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServer({ mongoUri: database.uri, env: { NUXT_REDIS_URL: redis.url, ...LEASE_ENV, ...env } })
  servers.push(server)
  return server
}

async function groupOf(baseUrl: string, owner: TestUser, others: TestUser[]): Promise<string> {
  const created = await api(baseUrl, owner, 'POST', '/api/chats', { type: 'group', name: 'Faults', memberIds: others.map(user => user.id) })
  expect(created.status).toBe(201)
  return created.body.id
}

describe('an instance killed between the clientId key and the message', () => {
  it('never acks the retry with another person\'s message, and stores the original once', async () => {
    const [doomed, survivor] = await Promise.all([
      instance({ PARLEY_TEST_STOP_AT: 'send.after-client-key', PARLEY_TEST_STOP_CLIENT_ID: 'doomed-' }),
      instance(),
    ])
    const [alice, bob] = await Promise.all([signUp(survivor.baseUrl, 'alice'), signUp(survivor.baseUrl, 'bob')])
    const chatId = await groupOf(survivor.baseUrl, alice, [bob])
    const send = (server: RunningServer, user: TestUser, content: string, clientId: string) =>
      api<Message>(server.baseUrl, user, 'POST', `/api/chats/${chatId}/messages`, { content, clientId })

    // Alice's send stops the first instance right after its clientId key is written: kill it there.
    void send(doomed, alice, 'alice wrote this', 'doomed-1').catch(() => null)
    await waitForLogLine(doomed, entry => entry.msg === 'fault point reached; stopping', 30_000)
    doomed.process.kill('SIGKILL')
    await doomed.exited

    // Bob's send on the other instance takes the seq Alice's key points at.
    const bobs = await send(survivor, bob, 'bob wrote this', 'bob-1')
    expect(bobs.status).toBe(201)
    expect(bobs.body.seq).toBe(1)

    // Alice's outbox retries on the surviving instance: 503 while the key's lease runs, then her own message.
    const started = Date.now()
    const statuses: number[] = []
    const retried = await eventually(async () => {
      const answer = await send(survivor, alice, 'alice wrote this', 'doomed-1')
      statuses.push(answer.status)
      return answer.status === 200 || answer.status === 201 ? answer : null
    }, 60_000)
    const stored = await storedMessages(survivor.baseUrl, alice, chatId)
    const again = await send(survivor, alice, 'alice wrote this', 'doomed-1')
    printFigures('dangling clientId key', {
      retries: statuses.length, answers: [...new Set(statuses)].join('/'), recoverySeconds: ((Date.now() - started) / 1000).toFixed(1),
      stored: stored.length, acked: 2, lost: retried.body.sender.id === alice.id ? 0 : 1,
    })
    expect(retried.body).toMatchObject({ sender: { id: alice.id }, clientId: 'doomed-1', content: 'alice wrote this' })
    expect(statuses.every(status => [200, 201, 503].includes(status))).toBe(true)
    expect(stored.map(message => [message.seq, message.sender.id, message.content])).toEqual([[1, bob.id, 'bob wrote this'], [2, alice.id, 'alice wrote this']])
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(retried.body.id)
  })

  it('loses and duplicates nothing when one of two instances is SIGKILLed mid-burst', async () => {
    const [one, two] = await Promise.all([instance(), instance()])
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(two.baseUrl, `burst${i}`)))
    const chatId = await groupOf(two.baseUrl, users[0]!, users.slice(1))
    let oneAlive = true
    const perClient = 50
    for (const [index, user] of users.entries()) {
      const home = index % 2 === 0 ? one : two
      const client = new OutboxClient(user, chatId, () => (home === one && !oneAlive ? two : home))
      clients.push(client)
    }
    const burst = clients.slice(-users.length)
    await Promise.all(burst.map(client => client.connect()))
    for (const [index, client] of burst.entries()) client.enqueue(perClient, `burst${index}`)

    // Kill the first instance once a third of the sends are acked, in the middle of the traffic.
    await eventually(() => burst.reduce((sum, client) => sum + client.acked.length, 0) >= perClient * users.length / 3, 60_000)
    const killedAt = Date.now()
    oneAlive = false
    one.process.kill('SIGKILL')
    await one.exited
    const ackedAtKill = burst.reduce((sum, client) => sum + client.acked.length, 0)
    await Promise.all(burst.map(client => client.settle()))
    const recoverySeconds = (Date.now() - killedAt) / 1000

    const stored = await storedMessages(two.baseUrl, users[0]!, chatId)
    const figures = checkChat(burst, stored)
    // Every client ends with the stored order (live events, then its catch-up after reconnecting).
    await eventually(() => checkChat(burst, stored).viewsMatching === burst.length, 30_000).catch(() => null)
    const final = checkChat(burst, stored)
    printFigures('instance SIGKILL mid-burst', {
      ...figures, viewsMatching: `${final.viewsMatching}/${burst.length}`, ackedAtKill, recoverySeconds: recoverySeconds.toFixed(1),
      p99AckMs: percentile(burst.flatMap(client => client.latencies), 99),
      reconnects: burst.reduce((sum, client) => sum + client.reconnects, 0),
      errors: JSON.stringify(Object.fromEntries(burst.flatMap(client => [...client.errors]))),
    })
    expect(figures).toMatchObject({ acked: perClient * users.length, lost: 0, duplicated: 0, foreign: 0 })
    expect(stored.length).toBe(perClient * users.length)
    expect(stored.map(message => message.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1))
    expect(final.viewsMatching).toBe(burst.length)
  })
})
