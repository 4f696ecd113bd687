import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, signUp } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// An instance with the default send limits: 10 messages/s, bursts of 30, one bucket for
// HTTP and WebSocket; flooding closes the socket with 1008. Last, it is stopped: 1001.
let server: RunningServer

beforeAll(async () => {
  server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_LIMITS_SEND_RATE: '', NUXT_LIMITS_SEND_BURST: '' } })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

describe('send rate limits', () => {
  it('share one bucket between HTTP (429 + Retry-After) and WebSocket (rate_limited), and close floods with 1008', async () => {
    const user = await signUp(server.baseUrl, 'rate')
    const chat = (await api(server.baseUrl, user, 'POST', '/api/chats', { type: 'group', name: 'Rate', memberIds: [] })).body.id
    const socket = await TestSocket.connect(server.baseUrl, { token: user.token })
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      socket.request({ type: 'message.send', chatId: chat, content: `m${i}`, clientId: `m${i}` })))
    expect(answers.filter(answer => answer.type === 'ack').length).toBeGreaterThan(0)
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
