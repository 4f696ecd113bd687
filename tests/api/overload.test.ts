import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, signUp } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// Overload is refused at once, not queued (server/services/messages/send-gate.ts): this
// instance stores one send at a time, so a burst must see 503 `unavailable` with
// Retry-After, and a resend with the same clientId stores each message exactly once.
// A slower machine only makes the burst overlap more.
const BURST = 20
let server: RunningServer

beforeAll(async () => {
  server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_LIMITS_SENDS_IN_FLIGHT: '1' } })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

describe('sends past the instance\'s capacity', () => {
  it('are refused with 503 and Retry-After over HTTP, and a resend stores each exactly once', async () => {
    const user = await signUp(server.baseUrl, 'busy')
    const chat = (await api(server.baseUrl, user, 'POST', '/api/chats', { type: 'group', name: 'Busy', memberIds: [] })).body.id
    const send = (i: number) => api(server.baseUrl, user, 'POST', `/api/chats/${chat}/messages`, { content: `m${i}`, clientId: `c${i}` })
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
    const history = await api(server.baseUrl, user, 'GET', `/api/chats/${chat}/messages?limit=100`)
    const contents = (history.body.items as { content: string }[]).map(message => message.content)
    expect(contents.sort()).toEqual(Array.from({ length: BURST }, (_, i) => `m${i}`).sort())
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
