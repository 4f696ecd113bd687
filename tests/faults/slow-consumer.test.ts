import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, eventually, signUp } from '../harness/api-client'
import { checkChat, OutboxClient, printFigures, startFaultDatabase, storedMessages, type FaultDatabase } from '../harness/faults'
import { TestSocket } from '../harness/ws-client'

// Defect 4 of issue 17: 50 sockets that stop reading in a busy chat. Each is closed once
// its unsent frames pass the cap (1 MiB here, NUXT_LIMITS_WS_MAX_QUEUED_BYTES; 4 MiB by
// default), the server's memory stays bounded by about 50 times the cap, and a reader
// that keeps up still gets every message in order.
const CAP_BYTES = 1024 * 1024
const SLOW_SOCKETS = 50
const MAX_MESSAGES = 2_500

let database: FaultDatabase
let server: RunningServer
const sockets: TestSocket[] = []
const clients: OutboxClient[] = []

beforeAll(async () => {
  database = await startFaultDatabase()
  server = await startServer({ mongoUri: database.uri, env: { NUXT_LIMITS_WS_MAX_QUEUED_BYTES: String(CAP_BYTES) } })
})

afterAll(async () => {
  for (const socket of sockets) socket.ws.terminate()
  await Promise.all(clients.map(client => client.close()))
  await server?.stop('SIGKILL')
  await database?.stop()
})

function droppedByServer(): number {
  return server.logs().split('slow consumer dropped').length - 1
}

function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : 0
}

describe('slow consumers', () => {
  it('are closed past the cap, memory stays bounded, and a reader that keeps up gets everything', async () => {
    // Four sign-ups at a time: password hashing is bounded (one hash per spare core), and 52 at
    // once on a busy machine passed the request deadline (503) before this test's fault began.
    const people: Awaited<ReturnType<typeof signUp>>[] = []
    for (let i = 0; i < SLOW_SOCKETS + 2; i += 4) {
      people.push(...await Promise.all(Array.from({ length: Math.min(4, SLOW_SOCKETS + 2 - i) }, (_, j) => signUp(server.baseUrl, `slow${i + j}`))))
    }
    const [sender, reader, ...slow] = people
    const chatId = (await api(server.baseUrl, sender!, 'POST', '/api/chats', { type: 'group', name: 'Slow', memberIds: [reader!, ...slow].map(user => user.id) })).body.id as string
    const slowSockets = await Promise.all(slow.map(user => TestSocket.connect(server.baseUrl, { token: user.token })))
    sockets.push(...slowSockets)
    for (const socket of slowSockets) socket.ws.pause() // stops reading: the kernel's buffers fill, then the server's
    const closedCodes: number[] = []
    for (const socket of slowSockets) void socket.closed.then(({ code }) => closedCodes.push(code))

    const writer = new OutboxClient(sender!, chatId, () => server, 8)
    const keepsUp = new OutboxClient(reader!, chatId, () => server)
    clients.push(writer, keepsUp)
    await Promise.all([writer.connect(), keepsUp.connect()])
    const baseline = residentBytes(server.process.pid!)
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(server.process.pid!))), 100)

    // Big messages (4,000 characters) until every slow socket is dropped, or the budget is spent.
    let queued = 0
    while (queued < MAX_MESSAGES) {
      writer.enqueue(100, `big${queued}`, 4_000)
      queued += 100
      await eventually(() => writer.acked.length >= queued - 20, 120_000)
      // A paused socket learns of its close only once it reads again: the server's log tells.
      if (droppedByServer() >= SLOW_SOCKETS) break
    }
    await writer.settle()
    clearInterval(sampler)
    for (const socket of slowSockets) socket.ws.resume()
    await eventually(() => closedCodes.length === SLOW_SOCKETS, 30_000).catch(() => null)

    const stored = await storedMessages(server.baseUrl, sender!, chatId)
    await eventually(() => checkChat([keepsUp], stored).viewsMatching === 1, 30_000).catch(() => null)
    const figures = checkChat([writer], stored)
    const growth = peak - baseline
    const bound = SLOW_SOCKETS * (CAP_BYTES + 64 * 1024) + 200 * 1024 * 1024
    printFigures('50 slow consumers', {
      sent: writer.items.length, acked: figures.acked, stored: figures.stored, lost: figures.lost, duplicated: figures.duplicated,
      droppedByServer: droppedByServer(), slowClosed: `${closedCodes.length}/${SLOW_SOCKETS}`, closeCodes: [...new Set(closedCodes)].join('/'),
      readerViewMatches: checkChat([keepsUp], stored).viewsMatching, rssGrowthMiB: (growth / 1048576).toFixed(0), boundMiB: (bound / 1048576).toFixed(0),
      serverAlive: server.process.exitCode === null ? 1 : 0,
    })
    expect(closedCodes.length).toBe(SLOW_SOCKETS)
    expect(closedCodes.every(code => code === 1013 || code === 1006)).toBe(true)
    expect(figures).toMatchObject({ lost: 0, duplicated: 0, foreign: 0 })
    expect(checkChat([keepsUp], stored).viewsMatching).toBe(1)
    expect(growth).toBeLessThan(bound)
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200)
  })
})
