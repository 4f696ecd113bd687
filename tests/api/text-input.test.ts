import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types/api'
import { api, call, loginUser, signUp, uniqueName, type TestUser } from '../harness/api-client'
import { socketPool } from '../harness/ws-client'

// Every text input is valid Unicode without NUL (docs/api.md, "Text"); what a clientId and
// a reaction may hold, blank messages and channel names in NFC (docs/messages.md).
const baseUrl = () => inject('baseUrl')
const sockets = socketPool(baseUrl)
let ana: TestUser, bob: TestUser
let chatId: string

beforeAll(async () => {
  [ana, bob] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'bob')])
  chatId = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Text input', memberIds: [bob.id] })).body.id
})
afterAll(() => sockets.closeAll())

const send = (body: Record<string, unknown>) => api<Message>(baseUrl(), ana, 'POST', `/api/chats/${chatId}/messages`, body)
interface Refusal { data?: { code?: string, issues?: { message: string }[] } }
const refused = (result: { status: number, body: unknown }, message?: string) => {
  expect(result.status).toBe(400)
  const { data } = result.body as Refusal
  expect(data).toMatchObject({ code: 'validation_failed' })
  if (message) expect(data?.issues?.map(issue => issue.message)).toContain(message)
}

describe('clientId', () => {
  it('refuses a lone surrogate, NUL or control character over HTTP and WebSocket; a UUID or printable text is kept', async () => {
    for (const clientId of ['L1\uD800', 'L2\uDC00', 'n\u0000', 'bell\u0007', 'line\nbreak']) {
      refused(await send({ content: 'hello', clientId }))
    }
    const socket = await sockets.connect(ana)
    expect(await socket.request({ type: 'message.send', chatId, content: 'ws', clientId: 'W1\uD83D' })).toMatchObject({ type: 'error', code: 'validation_failed' })
    for (const clientId of [crypto.randomUUID(), 'any printable text é 👍']) {
      const first = await send({ content: 'kept', clientId })
      expect(first.status).toBe(201)
      expect(first.body.clientId).toBe(clientId)
      expect((await send({ content: 'kept', clientId })).body.id).toBe(first.body.id)
    }
  })
})

describe('reactions', () => {
  it('refuses invisible reactions (control, zero-width, direction, soft hyphen, NUL, lone surrogate)', async () => {
    const message = (await send({ content: 'react please' })).body
    for (const emoji of ['\u0000', '\u0001', '\u007F', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u202E', '\u2066', '\u00AD', '\u061C', '\u180E', '\u3164', 'a\u200Bb']) {
      refused(await api(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/${encodeURIComponent(emoji)}`))
    }
    const socket = await sockets.connect(bob)
    expect(await socket.request({ type: 'reaction.add', messageId: message.id, emoji: '\uD83D' })).toMatchObject({ type: 'error', code: 'validation_failed' })
    const after = await api<{ items: Message[] }>(baseUrl(), bob, 'GET', `/api/chats/${chatId}/messages?around=${message.seq}&limit=1`)
    expect(after.body.items[0]?.reactions).toEqual([])
  })

  it('takes emoji built with joiners, variation selectors, skin tones and flag tags, and short text', async () => {
    const message = (await send({ content: 'react with anything that shows' })).body
    const england = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}'
    const emoji = ['👨‍👩‍👧', '❤️', '👍🏽', '🏳️‍🌈', '🏃‍♂️', '1️⃣', england, '+1']
    for (const one of emoji) {
      const result = await api<Message>(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/${encodeURIComponent(one)}`)
      expect(result.status, one).toBe(200)
    }
    const last = await api<Message>(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/${encodeURIComponent('👍')}`)
    expect(last.body.reactions.map(reaction => reaction.emoji)).toEqual([...emoji, '👍'])
  })
})

describe('text that is not valid Unicode', () => {
  const broken = 'A name cannot hold NUL characters or broken Unicode'

  it('is refused in names, bio and country, not stored as U+FFFD', async () => {
    refused(await api(baseUrl(), bob, 'PATCH', '/api/users/me', { displayName: 'bob\uD800' }), broken)
    refused(await api(baseUrl(), bob, 'PATCH', '/api/users/me', { bio: 'x\uDFFF' }), 'Text cannot hold NUL characters or broken Unicode')
    refused(await api(baseUrl(), bob, 'PATCH', '/api/users/me', { country: '\u0000' }), 'Text cannot hold NUL characters or broken Unicode')
    refused(await call(baseUrl(), '/api/auth/register', { body: { username: uniqueName('sur'), password: 'correct horse battery', displayName: 'Sur\uDC00' } }), broken)
    // A new chat's body is one of several shapes: zod's union answers "Invalid input".
    refused(await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'group\uD800', memberIds: [] }))
    refused(await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: uniqueName('ch') + '\uD800' }))
    refused(await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: uniqueName('ch'), topic: 'about\uDBFF' }))
    refused(await api(baseUrl(), ana, 'PATCH', `/api/chats/${chatId}`, { name: 'renamed\u0000' }), 'The name cannot hold NUL characters or broken Unicode')
    refused(await api(baseUrl(), ana, 'PATCH', `/api/chats/${chatId}`, { topic: 'about\uDBFF' }), 'The topic cannot hold NUL characters or broken Unicode')
    const me = await api(baseUrl(), bob, 'GET', '/api/auth/me')
    expect(JSON.stringify(me.body)).not.toContain('\uFFFD')
  })

  it('is refused in passwords: "12345678\\uD800" no longer opens the account of "12345678\\uFFFD"', async () => {
    const password = 'A password cannot hold NUL characters or broken Unicode'
    refused(await call(baseUrl(), '/api/auth/register', { body: { username: uniqueName('pw'), password: '12345678\uD800' } }), password)
    const cy = await signUp(baseUrl(), { username: uniqueName('cy'), password: '12345678\uFFFD' })
    expect((await loginUser(baseUrl(), cy.username, '12345678\uFFFD')).status).toBe(200)
    refused(await loginUser(baseUrl(), cy.username, '12345678\uD800'), password)
    refused(await api(baseUrl(), cy, 'PUT', '/api/auth/password', { currentPassword: '12345678\uFFFD', newPassword: 'new password\uDC00' }), password)
  })
})

describe('blank messages', () => {
  it('refuses a message of invisible characters only, sent or edited, over HTTP and WebSocket', async () => {
    for (const content of ['\u200B\u200B', '\u2060\u200B\u200C', '\u200D', ' \u3164 ']) {
      refused(await send({ content }), 'A message cannot be blank')
    }
    const socket = await sockets.connect(ana)
    expect(await socket.request({ type: 'message.send', chatId, content: '\u2060\u200B\u200C', clientId: uniqueName('zw') })).toMatchObject({ type: 'error', code: 'validation_failed' })
    const message = (await send({ content: 'to be edited' })).body
    // An edit to invisible characters only is told as a send is, not as a generic refusal.
    for (const content of ['\u200B', '\u2060\u200B\u200C', ' \u3164 ']) {
      const edit = await api(baseUrl(), ana, 'PATCH', `/api/messages/${message.id}`, { content })
      refused(edit, 'A message cannot be blank')
      expect((edit.body as { message: string }).message).toBe('A message cannot be blank')
    }
    expect((await send({ content: '👍' })).status).toBe(201)
  })
})

describe('channel names in NFC', () => {
  it('takes "e\\u0301" and "\\u00E9" as one name (409 name_taken) and finds it by either form', async () => {
    const tag = uniqueName('nfc')
    const decomposed = `re\u0301sume\u0301-${tag}`
    const composed = `r\u00E9sum\u00E9-${tag}`
    const created = await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: decomposed })
    expect(created.status).toBe(201)
    expect(created.body.name).toBe(composed)
    const twin = await api(baseUrl(), bob, 'POST', '/api/chats', { type: 'channel', name: composed })
    expect(twin.status).toBe(409)
    expect(twin.body.data).toMatchObject({ code: 'name_taken' })
    for (const q of [composed, decomposed, `R\u00C9SUM\u00C9-${tag}`]) {
      const found = await api(baseUrl(), bob, 'GET', `/api/chats/public?q=${encodeURIComponent(q)}`)
      expect(found.body.items.map((chat: { id: string }) => chat.id), q).toEqual([created.body.id])
    }
  })
})
