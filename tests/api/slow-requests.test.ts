import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { signUp } from '../harness/api-client'
import { groupOf } from '../harness/attachments'

// Slow clients (docs/guarantees.md, "A slow writer cannot hold a connection"): headers must
// arrive within NUXT_TIMINGS_HEADERS_TIMEOUT_MS, an ordinary body within
// NUXT_TIMINGS_REQUEST_TIMEOUT_MS, and an upload must keep bringing
// NUXT_ATTACHMENTS_MIN_PROGRESS_BYTES every NUXT_TIMINGS_UPLOAD_PROGRESS_MS, however long it
// takes in all. The limits are small here so the test is quick; each client's pace is far
// from its limit (ten times), so a slow machine does not change the outcome.
const HEADERS_MS = 1_500
const BODY_MS = 1_000
const WINDOW_MS = 500
const MIN_BYTES = 1_024
/** Node checks header deadlines once a second (00.connections.ts); a timer may run late under load. */
const CHECK_MS = 1_000
const LATE_MS = 1_500

let server: RunningServer

beforeAll(async () => {
  server = await startServer({
    mongoUri: inject('mongoUri'),
    env: {
      NUXT_TIMINGS_HEADERS_TIMEOUT_MS: String(HEADERS_MS), NUXT_TIMINGS_REQUEST_TIMEOUT_MS: String(BODY_MS),
      NUXT_TIMINGS_UPLOAD_PROGRESS_MS: String(WINDOW_MS), NUXT_ATTACHMENTS_MIN_PROGRESS_BYTES: String(MIN_BYTES),
    },
  })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

interface Trickled { answer: string, seconds: number }

/** Writes `head`, then each of `chunks` every `everyMs`; resolves with what came back once the server closes. */
function trickle(head: string, chunks: Buffer[], everyMs: number): Promise<Trickled> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: server.port })
    const started = Date.now()
    let answer = ''
    let timer: NodeJS.Timeout | undefined
    socket.on('connect', () => {
      socket.write(head)
      let next = 0
      timer = setInterval(() => {
        if (next < chunks.length) socket.write(chunks[next++]!)
      }, everyMs)
    })
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ answer, seconds: (Date.now() - started) / 1000 })
    })
    // A complete answer on a connection the server keeps: done.
    socket.on('data', () => {
      if (/\r\n\r\n[\s\S]*\}$/.test(answer)) socket.end()
    })
  })
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)

describe('slow clients', () => {
  it('closes a connection whose headers trickle in once the header deadline passes', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => Buffer.from(`X-Slow-${i}: 1\r\n`))
    const result = await trickle('GET /api/health HTTP/1.1\r\nHost: parley\r\n', lines, 200)
    expect(result.seconds).toBeGreaterThanOrEqual(HEADERS_MS / 1000)
    expect(result.seconds).toBeLessThan((HEADERS_MS + CHECK_MS + LATE_MS) / 1000)
    expect(statusOf(result.answer)).not.toBe(200)
  })

  it('answers 408 and closes when an ordinary body is not whole within its deadline', async () => {
    const body = '{"username":"someone","password":"not the password"}'
    const bytes = [...Buffer.from(body)].map(byte => Buffer.from([byte]))
    const head = `POST /api/auth/login HTTP/1.1\r\nHost: parley\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`
    const result = await trickle(head, bytes, 100)
    expect(statusOf(result.answer)).toBe(408)
    expect(result.seconds).toBeGreaterThanOrEqual(BODY_MS / 1000)
    expect(result.seconds).toBeLessThan((BODY_MS + LATE_MS) / 1000)
  })

  it('takes an upload that arrives slowly but steadily, for longer than an ordinary body may take', async () => {
    const owner = await signUp(server.baseUrl, 'slowup')
    const chatId = await groupOf(server.baseUrl, owner)
    // 48 KiB in 2 KiB pieces every 100 ms: 2.4 s in all, ten times the minimum pace.
    const file = Buffer.alloc(48 * 1024, 7)
    const pieces = Array.from({ length: file.length / 2048 }, (_, i) => file.subarray(i * 2048, (i + 1) * 2048))
    const head = `POST /api/chats/${chatId}/attachments HTTP/1.1\r\nHost: parley\r\nAuthorization: Bearer ${owner.token}\r\n`
      + `Content-Type: application/octet-stream\r\nX-File-Name: slow.bin\r\nContent-Length: ${file.length}\r\nConnection: close\r\n\r\n`
    const result = await trickle(head, pieces, 100)
    expect(statusOf(result.answer)).toBe(201)
    expect(result.seconds).toBeGreaterThan(BODY_MS / 1000)
    expect(result.answer).toContain('"name":"slow.bin"')
  })

  it('closes an upload that stops bringing bytes within one progress window', async () => {
    const owner = await signUp(server.baseUrl, 'stalledup')
    const chatId = await groupOf(server.baseUrl, owner)
    const head = `POST /api/chats/${chatId}/attachments HTTP/1.1\r\nHost: parley\r\nAuthorization: Bearer ${owner.token}\r\n`
      + `Content-Type: application/octet-stream\r\nX-File-Name: stalled.bin\r\nContent-Length: ${64 * 1024}\r\n\r\n`
    // 8 KiB, then 100 bytes every 100 ms: a tenth of the minimum pace.
    const pieces = [Buffer.alloc(8 * 1024, 1), ...Array.from({ length: 600 }, () => Buffer.alloc(100, 2))]
    const result = await trickle(head, pieces, 100)
    expect(statusOf(result.answer)).toBe(408)
    expect(result.seconds).toBeLessThan((2 * WINDOW_MS + LATE_MS) / 1000)
  })

  it('keeps an idle connection open longer than a proxy in front keeps its own, and says how long', async () => {
    // Node's 5 s let a proxy send a request on a connection the server had just closed:
    // a 502 for the person (docs/deploy.md, "Behind a proxy: keep-alive").
    const answers = await twoRequestsOnOneConnection()
    for (const answer of answers) {
      expect(statusOf(answer)).toBe(200)
      expect(answer).toMatch(/\r\nKeep-Alive: timeout=65\r\n/i)
    }
  })
})

/** Two health checks one after the other on one kept-alive connection; the raw answers. */
function twoRequestsOnOneConnection(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port })
    const request = 'GET /api/health HTTP/1.1\r\nHost: parley\r\n\r\n'
    const answers: string[] = []
    let current = ''
    socket.on('connect', () => socket.write(request))
    socket.on('data', (data: Buffer) => {
      current += data.toString('latin1')
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(current)?.[1] ?? -1)
      const bodyAt = current.indexOf('\r\n\r\n') + 4
      if (length < 0 || bodyAt < 4 || current.length < bodyAt + length) return
      answers.push(current)
      current = ''
      if (answers.length === 2) {
        socket.end()
        resolve(answers)
      }
      else socket.write(request)
    })
    socket.on('error', reject)
    socket.on('close', () => reject(new Error(`closed after ${answers.length} answers`)))
  })
}
