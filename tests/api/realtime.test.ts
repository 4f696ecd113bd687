import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types/api'
import { SOCKET_CAP_RETRY_AFTER_SECONDS } from '#shared/limits'
import { api, eventually, signUp, type TestUser } from '../harness/api-client'
import { isCreated, socketPool, TestSocket } from '../harness/ws-client'

const baseUrl = () => inject('baseUrl')
/** NUXT_TIMINGS_TYPING_TTL_MS on the shared test server: the default. */
const TYPING_TTL_MS = 5_000
let ana: TestUser, bob: TestUser, eve: TestUser
let chatId: string
const sockets = socketPool(baseUrl)
const connect = sockets.connect

beforeAll(async () => {
  [ana, bob, eve] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'bob'), signUp(baseUrl(), 'eve')])
  chatId = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Live', memberIds: [bob.id] })).body.id
})
afterAll(() => sockets.closeAll())

describe('/ws authentication and limits', () => {
  it('authenticates with a Bearer header or the cookie and sends ready first', async () => {
    for (const via of ['bearer', 'cookie'] as const) {
      const socket = await connect(ana, via)
      const ready = socket.frames[0]!
      expect(ready).toMatchObject({ type: 'ready', sessionId: ana.sessionId, user: { id: ana.id, username: ana.username } })
      // The server's clock, for clients whose own is off (docs/api-realtime.md, "The server's clock").
      expect(Math.abs(Date.parse(String(ready.serverTime)) - Date.now())).toBeLessThan(10_000)
      expect(ready.chats).toContainEqual({ id: chatId, lastSeq: expect.any(Number), lastChangeSeq: expect.any(Number) })
      // The client offered permessage-deflate (the ws client's default, like browsers); the
      // server declines it: a zlib context per socket costs more than 100-byte frames save
      // (benchmarks.md, M4).
      expect(socket.ws.extensions).toBe('')
      await socket.close()
    }
  })

  it('authenticates in-band with an auth frame, and closes 4401 on a bad one', async () => {
    const socket = await TestSocket.connect(baseUrl())
    socket.send({ type: 'auth', token: ana.token })
    await socket.waitFor(frame => frame.type === 'ready')
    await socket.close()
    const bad = await TestSocket.connect(baseUrl())
    bad.send({ type: 'auth', token: 'not-a-jwt' })
    expect((await bad.closed).code).toBe(4401)
    const early = await TestSocket.connect(baseUrl())
    early.send({ type: 'ping' })
    expect((await early.closed).code).toBe(4401)
  })

  it('refuses bad tokens (401) and foreign origins (403) on the upgrade; no Origin is fine', async () => {
    expect(await TestSocket.upgradeStatus(baseUrl(), { token: 'bad.token.here' })).toBe(401)
    expect(await TestSocket.upgradeStatus(baseUrl(), { token: 'bad.token.here', via: 'cookie' })).toBe(401)
    expect(await TestSocket.upgradeStatus(baseUrl(), { token: ana.token, origin: 'https://evil.example' })).toBe(403)
    expect(await TestSocket.upgradeStatus(baseUrl(), { origin: 'https://evil.example' })).toBe(403)
    expect(await TestSocket.upgradeStatus(baseUrl(), { token: ana.token, via: 'cookie', origin: baseUrl() })).toBe(101)
    expect(await TestSocket.upgradeStatus(baseUrl(), { token: ana.token })).toBe(101)
  })

  it('allows 20 sockets per user, then answers 429 rate_limited with Retry-After', async () => {
    const user = await signUp(baseUrl(), 'many')
    const sockets = await Promise.all(Array.from({ length: 20 }, () => TestSocket.connect(baseUrl(), { token: user.token })))
    const refused = await TestSocket.upgrade(baseUrl(), { token: user.token })
    expect(refused.status).toBe(429)
    expect(refused.headers['retry-after']).toBe(String(SOCKET_CAP_RETRY_AFTER_SECONDS))
    expect(refused.body).toMatchObject({ statusCode: 429, data: { code: 'rate_limited' } })
    await Promise.all(sockets.map(socket => socket.close()))
    await eventually(async () => (await TestSocket.upgradeStatus(baseUrl(), { token: user.token })) === 101)
  })

  it('accepts exactly 20 of 25 upgrades that race for one user', async () => {
    const user = await signUp(baseUrl(), 'race')
    const attempts = await Promise.allSettled(Array.from({ length: 25 }, () => TestSocket.connect(baseUrl(), { token: user.token })))
    const opened = attempts.flatMap(attempt => (attempt.status === 'fulfilled' ? [attempt.value] : []))
    const refused = attempts.flatMap(attempt => (attempt.status === 'rejected' ? [String(attempt.reason)] : []))
    expect(opened).toHaveLength(20)
    expect(refused).toEqual(Array(5).fill('Error: upgrade refused with 429'))
    await Promise.all(opened.map(socket => socket.close()))
  })
})

describe('/ws frames', () => {
  it('answers ping, and error frames for bad or unknown frames while staying open', async () => {
    const socket = await connect(ana)
    socket.send({ type: 'ping' })
    await socket.waitFor(frame => frame.type === 'pong')
    socket.sendRaw('{not json')
    await socket.waitFor(frame => frame.type === 'error' && frame.code === 'validation_failed')
    expect(await socket.request({ type: 'warp.drive' })).toMatchObject({ type: 'error', code: 'validation_failed' })
    expect(await socket.request({ type: 'message.send', chatId })).toMatchObject({ type: 'error', code: 'validation_failed' })
    expect(await socket.request({ type: 'message.send', chatId, content: '', clientId: 'e1' })).toMatchObject({ type: 'error', code: 'validation_failed' })
    const foreign = (await api(baseUrl(), eve, 'POST', '/api/chats', { type: 'group', name: 'Private', memberIds: [] })).body.id
    expect(await socket.request({ type: 'message.send', chatId: foreign, content: 'sneak', clientId: 'e2' })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await socket.request({ type: 'typing', chatId: foreign })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await socket.request({ type: 'read', chatId: foreign, seq: 1 })).toMatchObject({ type: 'error', code: 'not_found' })
    expect((await api(baseUrl(), eve, 'GET', `/api/chats/${foreign}`)).body.lastSeq).toBe(0)
    expect(socket.isOpen).toBe(true)
    socket.send({ type: 'ping', id: 'still-open' })
    await socket.waitFor(frame => frame.type === 'pong' && frame.id === 'still-open')
  })

  it('closes binary frames with 1003 and oversize frames with 1009; the server stays up', async () => {
    const binary = await connect(ana)
    binary.sendRaw(Buffer.from([1, 2, 3]), { binary: true })
    expect((await binary.closed).code).toBe(1003)
    const big = await connect(ana)
    big.send({ type: 'message.send', chatId, clientId: 'big', content: 'x'.repeat(70 * 1024) })
    expect((await big.closed).code).toBe(1009)
    expect((await fetch(`${baseUrl()}/api/health`)).status).toBe(200)
    const page = await api(baseUrl(), ana, 'GET', `/api/chats/${chatId}/messages?limit=100`)
    expect(page.body.items.some((m: Message) => m.clientId === 'big')).toBe(false)
  })

  it('acks a stored message and delivers it to every member socket, the sender\'s included, and nobody else', async () => {
    const [sender, senderOther, receiver, outsider] = await Promise.all([connect(ana), connect(ana), connect(bob), connect(eve)])
    const ack = await sender.request({ type: 'message.send', chatId, content: 'over the socket', clientId: 'ws-1' })
    expect(ack).toMatchObject({ type: 'ack', message: { chatId, content: 'over the socket', clientId: 'ws-1', sender: { id: ana.id } } })
    const message = ack.message as Message
    const stored = await api(baseUrl(), bob, 'GET', `/api/chats/${chatId}/messages?around=${message.seq}&limit=1`)
    expect(stored.body.items[0].id).toBe(message.id)
    for (const socket of [sender, senderOther, receiver]) {
      expect(await socket.waitFor(frame => isCreated(chatId)(frame) && (frame.message as Message).id === message.id)).toMatchObject({ message: { seq: message.seq } })
    }
    // A later event proves the outsider had every chance to receive the first.
    await sender.request({ type: 'message.send', chatId, content: 'second', clientId: 'ws-2' })
    await receiver.waitFor(frame => isCreated(chatId)(frame) && (frame.message as Message).clientId === 'ws-2')
    expect(outsider.frames.filter(frame => frame.type !== 'ready' && frame.type !== 'presence')).toEqual([])
  })

  it('stores one message for the same clientId over HTTP then WebSocket, with the same id', async () => {
    const socket = await connect(ana)
    const http = await api<Message>(baseUrl(), ana, 'POST', `/api/chats/${chatId}/messages`, { content: 'both ways', clientId: 'both-1' })
    expect(http.status).toBe(201)
    const ack = await socket.request({ type: 'message.send', chatId, content: 'both ways', clientId: 'both-1' })
    expect((ack.message as Message).id).toBe(http.body.id)
    const page = await api(baseUrl(), ana, 'GET', `/api/chats/${chatId}/messages?limit=100`)
    expect(page.body.items.filter((m: Message) => m.clientId === 'both-1')).toHaveLength(1)
  })

  it('edits, reacts and deletes over the socket with events to members', async () => {
    const [author, reader] = await Promise.all([connect(ana), connect(bob)])
    const sent = (await author.request({ type: 'message.send', chatId, content: 'v1', clientId: 'edit-1' })).message as Message
    const edited = await author.request({ type: 'message.edit', messageId: sent.id, content: 'v2' })
    expect(edited).toMatchObject({ type: 'ack', message: { id: sent.id, content: 'v2' } })
    await reader.waitFor(frame => frame.type === 'message.updated' && (frame.message as Message).content === 'v2')
    const reacted = await reader.request({ type: 'reaction.add', messageId: sent.id, emoji: '🔥' })
    expect((reacted.message as Message).reactions).toEqual([{ emoji: '🔥', count: 1, userIds: [bob.id] }])
    await author.waitFor(frame => frame.type === 'message.updated' && (frame.message as Message).reactions.length === 1)
    expect((await reader.request({ type: 'reaction.remove', messageId: sent.id, emoji: '🔥' })).type).toBe('ack')
    expect(await reader.request({ type: 'message.edit', messageId: sent.id, content: 'hijack' })).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await author.request({ type: 'message.delete', messageId: sent.id })).toMatchObject({ type: 'ack' })
    const deleted = await reader.waitFor(frame => frame.type === 'message.deleted' && (frame.message as Message).id === sent.id)
    expect(deleted).toMatchObject({ chatId, message: { content: '', reactions: [] } })
  })

  it('relays typing with expiresAt to others only, and read receipts', async () => {
    const [typist, typistOther, reader] = await Promise.all([connect(ana), connect(ana), connect(bob)])
    const sentAt = Date.now()
    typist.send({ type: 'typing', chatId })
    const typing = await reader.waitFor(frame => frame.type === 'typing' && frame.chatId === chatId)
    const receivedAt = Date.now()
    expect(typing.userId).toBe(ana.id)
    expect(typing.displayName).toBe(ana.auth.user.displayName)
    // The server stamps its clock plus the typing expiry (5 s by default): between the
    // moments the frame left and arrived here, however long that took.
    const expiresAt = Date.parse(typing.expiresAt as string)
    expect(expiresAt).toBeGreaterThanOrEqual(sentAt + TYPING_TTL_MS)
    expect(expiresAt).toBeLessThanOrEqual(receivedAt + TYPING_TTL_MS)
    const latest = (await api(baseUrl(), bob, 'GET', `/api/chats/${chatId}`)).body.lastSeq
    expect(await reader.request({ type: 'read', chatId, seq: latest })).toMatchObject({ type: 'ack' })
    await typist.waitFor(frame => frame.type === 'read' && frame.userId === bob.id && frame.seq === latest)
    expect(typistOther.frames.some(frame => frame.type === 'typing')).toBe(false)
    expect(typist.frames.some(frame => frame.type === 'typing')).toBe(false)
  })
})
