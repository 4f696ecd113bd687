import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { loginUser, signUp, TEST_PASSWORD } from '../harness/api-client'
import { percentile, printFigures, startFaultDatabase, type FaultDatabase } from '../harness/faults'

// Defect 6 of issue 17: 300 slowloris connections (headers trickling in, never finished)
// from one address. Past the per-address cap (100 here) they are cut at once, unanswered; the
// rest are answered 408 by the header deadline (5 s here, checked every second) instead of
// Node's default (60 s, checked every 30 s: 88 s seen); health and login from another address
// keep answering meanwhile. Nothing here depends on the machine's speed: which connections
// were cut and which timed out is told by what they received, not by when.
const SLOWLORIS = 300
const CAP = 100
const HEADERS_MS = 5_000
/** Node's own header deadline: a connection held this long was not closed by ours. */
const NODE_DEFAULT_HEADERS_MS = 60_000

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

interface Closing { openedAt: number, closedAt: number, answer: string }

/** A connection from 127.0.0.2 that sends a header line every 2 s and never ends its request. */
function slowloris(): Promise<Closing> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: server.port, localAddress: '127.0.0.2' })
    held.push(socket)
    const openedAt = Date.now()
    let answer = ''
    let timer: NodeJS.Timeout | undefined
    socket.on('connect', () => {
      socket.write('GET /api/health HTTP/1.1\r\nHost: parley\r\n')
      timer = setInterval(() => socket.write(`X-Slow-${Math.random().toString(36).slice(2, 6)}: 1\r\n`), 2_000)
    })
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1')
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ openedAt, closedAt: Date.now(), answer })
    })
  })
}

describe('slowloris', () => {
  it('closes partial requests within the header deadline, caps one address, and keeps health and login answering', async () => {
    const user = await signUp(server.baseUrl, 'loris')
    let closed = 0
    const closings = Array.from({ length: SLOWLORIS }, () => slowloris().then((closing) => {
      closed++
      return closing
    }))
    await new Promise(resolve => setTimeout(resolve, 1_000))

    // Meanwhile, from 127.0.0.1: health every 250 ms and a login every second, until every slow connection is closed.
    const healthMs: number[] = []
    const healthStatuses: number[] = []
    const loginStatuses: number[] = []
    const watchdog = Date.now() + NODE_DEFAULT_HEADERS_MS
    while (closed < SLOWLORIS && Date.now() < watchdog) {
      const at = Date.now()
      healthStatuses.push((await fetch(`${server.baseUrl}/api/health`)).status)
      healthMs.push(Date.now() - at)
      if (healthMs.length % 4 === 0) loginStatuses.push((await loginUser(server.baseUrl, user.username, TEST_PASSWORD)).status)
      await new Promise(resolve => setTimeout(resolve, 250))
    }

    const results = closed === SLOWLORIS ? await Promise.all(closings) : []
    const cut = results.filter(result => result.answer === '')
    const timedOut = results.filter(result => result.answer.startsWith('HTTP/1.1 408 '))
    const heldSeconds = (closing: Closing) => (closing.closedAt - closing.openedAt) / 1000
    printFigures('300 slowloris connections', {
      closed: `${closed}/${SLOWLORIS}`, cutUnanswered: cut.length, answered408: timedOut.length,
      minTimedOutSeconds: Math.min(...timedOut.map(heldSeconds)).toFixed(1), maxHeldSeconds: Math.max(0, ...results.map(heldSeconds)).toFixed(1),
      healthRequests: healthMs.length, healthP99Ms: percentile(healthMs, 99),
      healthNot200: healthStatuses.filter(status => status !== 200).length, logins: loginStatuses.length, loginNot200: loginStatuses.filter(status => status !== 200).length,
    })
    expect(closed).toBe(SLOWLORIS)
    // Past the cap: cut without a byte. Within it: the header deadline's 408, no sooner than
    // the deadline, and before Node's own deadline could have closed them.
    expect(cut.length).toBe(SLOWLORIS - CAP)
    expect(timedOut.length).toBe(CAP)
    expect(Math.min(...timedOut.map(heldSeconds))).toBeGreaterThanOrEqual(HEADERS_MS / 1000)
    expect(Math.max(...timedOut.map(heldSeconds))).toBeLessThan(NODE_DEFAULT_HEADERS_MS / 1000)
    expect(healthStatuses.every(status => status === 200)).toBe(true)
    expect(loginStatuses.length).toBeGreaterThan(0)
    expect(loginStatuses.every(status => status === 200)).toBe(true)
  })
})
