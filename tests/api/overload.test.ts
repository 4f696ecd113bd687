import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, signUp, type TestUser } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// Overload is refused at once, not queued (server/services/messages/send-gate.ts). One
// instance stores one send at a time, so a burst must see 503 `unavailable` with
// Retry-After, and a resend with the same clientId stores each message exactly once.
// Another instance bounds the sends' delay at 1 ms, which every real send takes longer
// than: sends one after another still pass, and a burst then finds fewer let in at once.
// A slower machine only makes the burst overlap more.
const BURST = 20
let server: RunningServer
let delayBounded: RunningServer

beforeAll(async () => {
  [server, delayBounded] = await Promise.all([
    startServer({ mongoUri: inject('mongoUri'), env: { NUXT_LIMITS_SENDS_IN_FLIGHT: '1' } }),
    startServer({ mongoUri: inject('mongoUri'), env: { NUXT_LIMITS_SEND_DELAY_TARGET_MS: '1' } }),
  ])
}, 120_000)
afterAll(async () => {
  await Promise.all([server?.stop(), delayBounded?.stop()])
})

/** Sends a burst; checks the refusals, resends them as the outbox does, and that each message is stored once. */
async function burstRefusedThenResent(baseUrl: string, user: TestUser, name: string): Promise<void> {
  const chat = (await api(baseUrl, user, 'POST', '/api/chats', { type: 'group', name, memberIds: [] })).body.id
  const send = (i: number) => api(baseUrl, user, 'POST', `/api/chats/${chat}/messages`, { content: `m${i}`, clientId: `c${i}` })
  const first = await Promise.all(Array.from({ length: BURST }, (_, i) => send(i)))
  const refused = first.flatMap((result, i) => (result.status === 503 ? [i] : []))
  expect(first.every(result => result.status === 201 || result.status === 503)).toBe(true)
  expect(refused.length).toBeGreaterThan(0)
  for (const i of refused) {
    expect(first[i]!.body).toMatchObject({ statusCode: 503, data: { code: 'unavailable' } })
    expect(first[i]!.headers.get('retry-after')).toBe('1')
  }
  // The outbox's part: resend what was refused, one at a time, with the same clientIds.
  for (const i of refused) expect((await send(i)).status).toBe(201)
  for (let i = 0; i < BURST; i++) expect([200, 201]).toContain((await send(i)).status)
  const history = await api(baseUrl, user, 'GET', `/api/chats/${chat}/messages?limit=100`)
  const contents = (history.body.items as { content: string }[]).map(message => message.content)
  expect(contents.sort()).toEqual(Array.from({ length: BURST }, (_, i) => `m${i}`).sort())
}

describe('sends past the instance\'s capacity', () => {
  it('are refused with 503 and Retry-After over HTTP, and a resend stores each exactly once', async () => {
    await burstRefusedThenResent(server.baseUrl, await signUp(server.baseUrl, 'busy'), 'Busy')
  })

  it('are refused with an error frame carrying retryAfter over the WebSocket', async () => {
    const user = await signUp(server.baseUrl, 'busyws')
    const chat = (await api(server.baseUrl, user, 'POST', '/api/chats', { type: 'group', name: 'Busy WS', memberIds: [] })).body.id
    // A socket's frames are handled one after another: the burst comes from five tabs.
    const sockets = await Promise.all(Array.from({ length: 5 }, () => TestSocket.connect(server.baseUrl, { token: user.token })))
    const answers = await Promise.all(sockets.flatMap((socket, s) => Array.from({ length: 4 }, (_, i) =>
      socket.request({ type: 'message.send', chatId: chat, content: `w${s}.${i}`, clientId: `w${s}.${i}` }))))
    const errors = answers.filter(answer => answer.type === 'error')
    expect(answers.every(answer => answer.type === 'ack' || answer.type === 'error')).toBe(true)
    expect(errors.length).toBeGreaterThan(0)
    for (const error of errors) expect(error).toMatchObject({ code: 'unavailable', retryAfter: 1 })
    await Promise.all(sockets.map(socket => socket.close()))
  })
})

describe('sends slower than NUXT_LIMITS_SEND_DELAY_TARGET_MS', () => {
  it('still let a lone send in, and make a burst find fewer let in at once', async () => {
    const user = await signUp(delayBounded.baseUrl, 'slow')
    const chat = (await api(delayBounded.baseUrl, user, 'POST', '/api/chats', { type: 'group', name: 'Slow', memberIds: [] })).body.id
    // Each of these takes longer than the target: together they bring the bound down to its floor.
    for (let i = 0; i < 30; i++) {
      expect((await api(delayBounded.baseUrl, user, 'POST', `/api/chats/${chat}/messages`, { content: `lone ${i}` })).status).toBe(201)
    }
    await burstRefusedThenResent(delayBounded.baseUrl, user, 'Slow burst')
  })
})
