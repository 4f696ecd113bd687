import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, signUp } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// An instance with a send bucket of 30 that refills at one message per 1,000 s: one
// bucket for HTTP and WebSocket; flooding closes the socket with 1008. Last, it is
// stopped: 1001. With the default rate (10/s) the bucket refilled while 30 sends ran on a
// loaded machine, so whether the 31st passed depended on the machine's speed; at this
// rate nothing refills while the test runs, however slow it is.
const BURST = 30
let server: RunningServer

beforeAll(async () => {
  server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_LIMITS_SEND_RATE: '0.001', NUXT_LIMITS_SEND_BURST: String(BURST) } })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

describe('send rate limits', () => {
  it('share one bucket between HTTP (429 + Retry-After) and WebSocket (rate_limited), and close floods with 1008', async () => {
    const user = await signUp(server.baseUrl, 'rate')
    const chat = (await api(server.baseUrl, user, 'POST', '/api/chats', { type: 'group', name: 'Rate', memberIds: [] })).body.id
    const socket = await TestSocket.connect(server.baseUrl, { token: user.token })
    const answers = await Promise.all(Array.from({ length: BURST - 1 }, (_, i) =>
      socket.request({ type: 'message.send', chatId: chat, content: `m${i}`, clientId: `m${i}` })))
    expect(answers.map(answer => answer.type)).toEqual(Array(BURST - 1).fill('ack'))
    expect((await api(server.baseUrl, user, 'POST', `/api/chats/${chat}/messages`, { content: 'the last one' })).status).toBe(201)
    const http = await api(server.baseUrl, user, 'POST', `/api/chats/${chat}/messages`, { content: 'one more' })
    expect(http.status).toBe(429)
    expect(http.body.data.code).toBe('rate_limited')
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const limited = await socket.request({ type: 'message.send', chatId: chat, content: 'over', clientId: 'over' })
    expect(limited).toMatchObject({ type: 'error', code: 'rate_limited' })
    for (let i = 0; i < 100 && socket.isOpen; i++) socket.send({ type: 'message.send', chatId: chat, content: 'flood', clientId: `f${i}` })
    expect((await socket.closed).code).toBe(1008)
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200)
  })

  it('closes sockets with 1001 when the server shuts down', async () => {
    const user = await signUp(server.baseUrl, 'bye')
    const socket = await TestSocket.connect(server.baseUrl, { token: user.token })
    await server.stop('SIGTERM')
    expect((await socket.closed).code).toBe(1001)
  })
})
