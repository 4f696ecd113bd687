import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, eventually, signUp, type TestUser } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'
import { checkChat, OutboxClient, percentile, printFigures, startFaultDatabase, storedMessages, type FaultDatabase } from '../harness/faults'

// Defect 3 of issue 17: a database that stalls (SIGSTOP) or dies (SIGKILL, then restarted
// on the same data) under steady sends. A send gets an explicit `unavailable` (an error
// frame, HTTP 503) within the request deadline instead of hanging; the outbox keeps it and
// retries; nothing acked is lost or duplicated, and every client ends with the stored order.

let database: FaultDatabase
let server: RunningServer
const clients: OutboxClient[] = []

// The clientId key's lease is shorter than the stall: retries take over sends whose first
// writer is still stalled and resumes later, and nothing may be stored twice (send-once.test.ts).
beforeAll(async () => {
  database = await startFaultDatabase()
  server = await startServer({ mongoUri: database.uri, env: { NUXT_TIMINGS_CLIENT_KEY_LEASE_MS: '4000' } })
})

afterAll(async () => {
  // PARLEY_FAULT_LOGS=<file> keeps the server's log of the run.
  if (process.env.PARLEY_FAULT_LOGS) writeFileSync(process.env.PARLEY_FAULT_LOGS, server?.logs() ?? '')
  await Promise.all(clients.map(client => client.close()))
  await server?.stop('SIGKILL')
  database?.resume()
  await database?.stop()
})

async function steadyTraffic(prefix: string) {
  const users = await Promise.all(Array.from({ length: 3 }, (_, i) => signUp(server.baseUrl, `${prefix}${i}`)))
  const chat = await api(server.baseUrl, users[0]!, 'POST', '/api/chats', { type: 'group', name: prefix, memberIds: users.slice(1).map(user => user.id) })
  const chatId = chat.body.id as string
  const group = users.map(user => new OutboxClient(user, chatId, () => server, 2))
  clients.push(...group)
  await Promise.all(group.map(client => client.connect()))
  // Steady: each person adds a message every 150 ms for the whole test.
  let sent = 0
  const timer = setInterval(() => {
    for (const [index, client] of group.entries()) client.enqueue(1, `${prefix}${index}-${sent}`)
    sent++
  }, 150)
  return { users, chatId, group, stop: () => clearInterval(timer) }
}

async function httpSend(user: TestUser, chatId: string, clientId: string) {
  const started = Date.now()
  const answer = await api(server.baseUrl, user, 'POST', `/api/chats/${chatId}/messages`, { content: 'during the outage', clientId })
  return { ...answer, seconds: (Date.now() - started) / 1000 }
}

/** The outbox's retry of an HTTP send with its clientId, until it is stored; a failure tells what the server last said. */
async function retryUntilStored(user: TestUser, chatId: string, clientId: string) {
  let last = ''
  try {
    return await eventually(async () => {
      const answer = await httpSend(user, chatId, clientId)
      last = `${answer.status} ${JSON.stringify(answer.body)} after ${answer.seconds.toFixed(1)} s`
      return answer.status < 300 ? answer : null
    }, 60_000, `${clientId} stored`)
  }
  catch (error) {
    const warnings = server.logs().split('\n').filter(line => /"level":"(warn|error)"/.test(line)).slice(-20)
    throw new Error(`${(error as Error).message}; its last answer: ${last}; the server's last warnings:\n${warnings.join('\n')}`)
  }
}

async function finish(name: string, traffic: Awaited<ReturnType<typeof steadyTraffic>>, extra: Record<string, number | string>) {
  traffic.stop()
  const settleStarted = Date.now()
  await Promise.all(traffic.group.map(client => client.settle()))
  const stored = await storedMessages(server.baseUrl, traffic.users[0]!, traffic.chatId)
  await eventually(() => checkChat(traffic.group, stored).viewsMatching === traffic.group.length, 30_000).catch(() => null)
  const figures = checkChat(traffic.group, stored)
  printFigures(name, {
    ...figures, viewsMatching: `${figures.viewsMatching}/${traffic.group.length}`, settleSeconds: ((Date.now() - settleStarted) / 1000).toFixed(1),
    p99AckMs: percentile(traffic.group.flatMap(client => client.latencies), 99),
    errors: JSON.stringify(Object.fromEntries(traffic.group.flatMap(client => [...client.errors]))), ...extra,
  })
  expect(figures).toMatchObject({ lost: 0, duplicated: 0, foreign: 0 })
  // A database that does not answer is `unavailable` to every send, never an internal error.
  for (const client of traffic.group) expect([...client.errors.keys()].filter(code => code !== 'unavailable')).toEqual([])
  // Every clientId is stored once, and only the ones acked plus the probe sent over HTTP.
  expect(figures.stored).toBe(figures.acked + 1)
  expect(stored.map(message => message.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1))
  expect(figures.viewsMatching).toBe(traffic.group.length)
  return figures
}

describe('a database that stalls or dies under steady sends', () => {
  it('answers sends with `unavailable` while it is stalled, and loses nothing acked', async () => {
    const traffic = await steadyTraffic('stall')
    await eventually(() => traffic.group.every(client => client.acked.length >= 5), 30_000)
    await database.stall()
    const stalledAt = Date.now()
    // A send over HTTP during the stall: an explicit 503 within the deadline, not silence.
    // An upgrade during the stall: 503, not a 401 that would sign the person out.
    const [during, upgradeDuring] = await Promise.all([
      httpSend(traffic.users[0]!, traffic.chatId, 'probe-stall'),
      TestSocket.upgradeStatus(server.baseUrl, { token: traffic.users[1]!.token }),
    ])
    await eventually(() => traffic.group.some(client => (client.errors.get('unavailable') ?? 0) > 0), 20_000).catch(() => null)
    const unavailableFrames = traffic.group.reduce((sum, client) => sum + (client.errors.get('unavailable') ?? 0), 0)
    await new Promise(resolve => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - stalledAt))))
    database.resume()
    const resumedAt = Date.now()
    // The outbox retries the probe with its clientId until it is stored.
    const retried = await retryUntilStored(traffic.users[0]!, traffic.chatId, 'probe-stall')
    await finish('database SIGSTOP 10 s', traffic, {
      httpDuringStall: during.status, httpSecondsDuringStall: during.seconds.toFixed(1), upgradeDuringStall: upgradeDuring, unavailableFrames,
      recoverySeconds: ((Date.now() - resumedAt) / 1000).toFixed(1), probeAfter: retried.status,
    })
    expect(during.status).toBe(503)
    expect(during.body).toMatchObject({ data: { code: 'unavailable' } })
    expect(upgradeDuring).toBe(503)
    expect(unavailableFrames).toBeGreaterThan(0)
  })

  it('answers sends with `unavailable` while it is down, and loses nothing acked after it restarts on the same data', async () => {
    const traffic = await steadyTraffic('kill')
    await eventually(() => traffic.group.every(client => client.acked.length >= 5), 30_000)
    const ackedBefore = traffic.group.reduce((sum, client) => sum + client.acked.length, 0)
    const restarting = database.killAndRestart(6_000)
    const during = await httpSend(traffic.users[0]!, traffic.chatId, 'probe-kill')
    await restarting
    const restartedAt = Date.now()
    const retried = await retryUntilStored(traffic.users[0]!, traffic.chatId, 'probe-kill')
    await finish('database SIGKILL and restart', traffic, {
      ackedBefore, httpDuringOutage: during.status, httpSecondsDuringOutage: during.seconds.toFixed(1),
      recoverySeconds: ((Date.now() - restartedAt) / 1000).toFixed(1), probeAfter: retried.status,
    })
    expect(during.status).toBe(503)
    expect(during.body).toMatchObject({ data: { code: 'unavailable' } })
  })
})
