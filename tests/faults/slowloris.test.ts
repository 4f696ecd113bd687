import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { loginUser, signUp, TEST_PASSWORD } from '../harness/api-client'
import { percentile, printFigures, startFaultDatabase, type FaultDatabase } from '../harness/faults'

// Defect 6 of issue 17: 300 slowloris connections (headers trickling in, never finished)
// from one address. Past the per-address cap (100 here) they are cut at once; the rest are
// closed by the header deadline (5 s here, checked every second) instead of Node's 88 s;
// health and login from another address keep answering meanwhile.
const SLOWLORIS = 300
const CAP = 100
const HEADERS_MS = 5_000
/** Node checks the header deadline once a second (server/plugins/00.connections.ts). */
const CHECK_MS = 1_000
/** What a loaded machine may add to that check: 300 connections on a busy 2-core machine were seen 3.2 s late. */
const LATE_MS = HEADERS_MS

let database: FaultDatabase
let server: RunningServer
const held: Socket[] = []

beforeAll(async () => {
  database = await startFaultDatabase()
  server = await startServer({ mongoUri: database.uri, env: { NUXT_LIMITS_CONNECTIONS_PER_IP: String(CAP), NUXT_TIMINGS_HEADERS_TIMEOUT_MS: String(HEADERS_MS) } })
})

afterAll(async () => {
  for (const socket of held) socket.destroy()
  await server?.stop('SIGKILL')
  await database?.stop()
})

/** A connection from 127.0.0.2 that sends a header line every 2 s and never ends its request. */
function slowloris(): Promise<{ openedAt: number, closedAt: number }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: server.port, localAddress: '127.0.0.2' })
    held.push(socket)
    const openedAt = Date.now()
    let timer: NodeJS.Timeout | undefined
    socket.on('connect', () => {
      socket.write('GET /api/health HTTP/1.1\r\nHost: parley\r\n')
      timer = setInterval(() => socket.write(`X-Slow-${Math.random().toString(36).slice(2, 6)}: 1\r\n`), 2_000)
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ openedAt, closedAt: Date.now() })
    })
  })
}

describe('slowloris', () => {
  it('closes partial requests within the header deadline, caps one address, and keeps health and login answering', async () => {
    const user = await signUp(server.baseUrl, 'loris')
    const started = Date.now()
    const closings = Array.from({ length: SLOWLORIS }, () => slowloris())
    await new Promise(resolve => setTimeout(resolve, 1_000))

    // Meanwhile, from 127.0.0.1: health every 250 ms and a login every second, until the deadline has closed them all.
    const healthMs: number[] = []
    const healthStatuses: number[] = []
    const loginStatuses: number[] = []
    while (Date.now() - started < HEADERS_MS + CHECK_MS + LATE_MS) {
      const at = Date.now()
      healthStatuses.push((await fetch(`${server.baseUrl}/api/health`)).status)
      healthMs.push(Date.now() - at)
      if (healthMs.length % 4 === 0) loginStatuses.push((await loginUser(server.baseUrl, user.username, TEST_PASSWORD)).status)
      await new Promise(resolve => setTimeout(resolve, 250))
    }

    const results = await Promise.race([
      Promise.all(closings),
      new Promise<null>(resolve => setTimeout(() => resolve(null), 30_000)),
    ])
    const closedWithin = (results ?? []).map(result => (result.closedAt - result.openedAt) / 1000)
    printFigures('300 slowloris connections', {
      closed: `${closedWithin.length}/${SLOWLORIS}`, cutAtOnce: closedWithin.filter(seconds => seconds < 1).length,
      maxHeldSeconds: Math.max(0, ...closedWithin).toFixed(1), healthRequests: healthMs.length, healthP99Ms: percentile(healthMs, 99),
      healthNot200: healthStatuses.filter(status => status !== 200).length, logins: loginStatuses.length, loginNot200: loginStatuses.filter(status => status !== 200).length,
    })
    expect(results).not.toBeNull()
    expect(closedWithin.filter(seconds => seconds < 1).length).toBeGreaterThanOrEqual(SLOWLORIS - CAP)
    // Node's defaults held them for up to 88 s; the rest are closed by the header deadline, no sooner and not much later.
    const byDeadline = closedWithin.filter(seconds => seconds >= 1)
    expect(Math.min(...byDeadline)).toBeGreaterThanOrEqual(HEADERS_MS / 1000)
    expect(Math.max(...closedWithin)).toBeLessThan((HEADERS_MS + CHECK_MS + LATE_MS) / 1000)
    expect(healthStatuses.every(status => status === 200)).toBe(true)
    expect(loginStatuses.length).toBeGreaterThan(0)
    expect(loginStatuses.every(status => status === 200)).toBe(true)
  })
})
