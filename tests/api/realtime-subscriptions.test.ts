import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types/api'
import { api, signUp, type TestUser } from '../harness/api-client'
import { isCreated, socketPool, TestSocket, type Frame } from '../harness/ws-client'

// What reaches whom over /ws as chats, members and people change, what a reconnecting
// client catches up on, and the one order every client sees under concurrent sends
// (docs/api-realtime.md). The socket's own authentication and frames: realtime.test.ts.
const baseUrl = () => inject('baseUrl')
let ana: TestUser, bob: TestUser
let chatId: string
const sockets = socketPool(baseUrl)
const connect = sockets.connect

beforeAll(async () => {
  [ana, bob] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'bob')])
  chatId = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Live', memberIds: [bob.id] })).body.id
})
afterAll(() => sockets.closeAll())

describe('/ws subscriptions', () => {
  it('tells a new direct chat\'s peer and new group members, and subscribes them at once', async () => {
    const user = await signUp(baseUrl(), 'new')
    const socket = await connect(user)
    const existing = await connect(bob)
    const direct = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: user.id })).body
    const created = await socket.waitFor(frame => frame.type === 'chat.created' && (frame.chat as { id: string }).id === direct.id)
    expect(created.chat).toMatchObject({ type: 'direct', peer: { id: ana.id } })
    await api(baseUrl(), ana, 'POST', `/api/chats/${direct.id}/messages`, { content: 'welcome' })
    await socket.waitFor(isCreated(direct.id))

    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${chatId}/members`, { userIds: [user.id] })).status).toBe(200)
    await socket.waitFor(frame => frame.type === 'chat.created' && (frame.chat as { id: string }).id === chatId)
    await existing.waitFor(frame => frame.type === 'member.added' && frame.chatId === chatId && (frame.user as { id: string }).id === user.id)
    await api(baseUrl(), bob, 'POST', `/api/chats/${chatId}/messages`, { content: 'hello newcomer' })
    await socket.waitFor(frame => isCreated(chatId)(frame) && (frame.message as Message).content === 'hello newcomer')

    // A new role: member.updated to every member, the person themselves included.
    expect((await api(baseUrl(), ana, 'PATCH', `/api/chats/${chatId}/members/${user.id}`, { role: 'admin' })).status).toBe(200)
    for (const member of [socket, existing]) {
      await member.waitFor(frame => frame.type === 'member.updated' && frame.chatId === chatId && frame.userId === user.id && frame.role === 'admin')
    }

    // Removed: member.removed, then nothing more from this chat.
    expect((await api(baseUrl(), ana, 'DELETE', `/api/chats/${chatId}/members/${user.id}`)).status).toBe(204)
    await socket.waitFor(frame => frame.type === 'member.removed' && frame.userId === user.id)
    await api(baseUrl(), bob, 'POST', `/api/chats/${chatId}/messages`, { content: 'after removal' })
    await existing.waitFor(frame => isCreated(chatId)(frame) && (frame.message as Message).content === 'after removal')
    await api(baseUrl(), ana, 'POST', `/api/chats/${direct.id}/messages`, { content: 'still here' })
    await socket.waitFor(frame => isCreated(direct.id)(frame) && (frame.message as Message).content === 'still here')
    expect(socket.frames.some(frame => isCreated(chatId)(frame) && (frame.message as Message).content === 'after removal')).toBe(false)

    // Deleted: chat.deleted to the members.
    expect((await api(baseUrl(), user, 'DELETE', `/api/chats/${direct.id}`)).status).toBe(204)
    await socket.waitFor(frame => frame.type === 'chat.deleted' && frame.chatId === direct.id)
  })

  it('tells a new display name to the person\'s own sockets and to everyone who shares a chat, and to nobody else', async () => {
    const renamed = await signUp(baseUrl(), 'rename')
    const stranger = await signUp(baseUrl(), 'stranger')
    const shared = (await api(baseUrl(), renamed, 'POST', '/api/chats', { type: 'group', name: 'Names', memberIds: [ana.id] })).body.id as string
    const [own, contact, outsider] = await Promise.all([connect(renamed), connect(ana), connect(stranger)])
    expect((await api(baseUrl(), renamed, 'PATCH', '/api/users/me', { displayName: 'Brand New Name' })).status).toBe(200)
    const isRename = (frame: Frame) => frame.type === 'user.updated' && (frame.user as { id: string }).id === renamed.id
    for (const socket of [own, contact]) {
      expect((await socket.waitFor(isRename)).user).toMatchObject({ id: renamed.id, displayName: 'Brand New Name', username: renamed.username })
    }
    // What reached Ana after the rename has reached the stranger too, had it been sent to him.
    await api(baseUrl(), renamed, 'POST', `/api/chats/${shared}/messages`, { content: 'after the rename' })
    await contact.waitFor(frame => isCreated(shared)(frame) && (frame.message as Message).content === 'after the rename')
    expect(outsider.frames.some(isRename)).toBe(false)
  })

  it('closes a revoked session\'s socket with 4401 after session.revoked', async () => {
    const user = await signUp(baseUrl(), 'revoke')
    const socket = await TestSocket.connect(baseUrl(), { token: user.token })
    expect((await api(baseUrl(), user, 'POST', '/api/auth/logout')).status).toBe(204)
    expect((await socket.closed).code).toBe(4401)
    expect(socket.frames).toContainEqual({ type: 'session.revoked', reason: 'signed-out' })
  })

  it('announces presence to people who share a chat: online, then offline once the last socket closes', async () => {
    const [watcher, user] = await Promise.all([signUp(baseUrl(), 'watch'), signUp(baseUrl(), 'pres')])
    await api(baseUrl(), watcher, 'POST', '/api/chats', { type: 'direct', userId: user.id })
    const socket = await connect(watcher)
    const other = await TestSocket.connect(baseUrl(), { token: user.token })
    await socket.waitFor(frame => frame.type === 'presence' && frame.userId === user.id && frame.online === true)
    expect((await api(baseUrl(), watcher, 'GET', `/api/users/${user.id}`)).body.online).toBe(true)
    await other.close()
    const offline = await socket.waitFor(frame => frame.type === 'presence' && frame.userId === user.id && frame.online === false, 25_000)
    expect(offline.lastSeenAt).toEqual(expect.any(String))
  })
})

describe('/ws watching a channel before joining', () => {
  const said = (chat: string, content: string) => (frame: Frame) => isCreated(chat)(frame) && (frame.message as Message).content === content

  it('hears a public channel\'s messages and topic live while watching, and nothing after stopping', async () => {
    const [owner, visitor] = await Promise.all([signUp(baseUrl(), 'owner'), signUp(baseUrl(), 'visit')])
    const channel = (await api(baseUrl(), owner, 'POST', '/api/chats', { type: 'channel', name: `watch-${visitor.username}` })).body.id as string
    await api(baseUrl(), owner, 'POST', `/api/chats/${channel}/messages`, { content: 'before' })
    const [ownerSocket, watcher] = await Promise.all([connect(owner), connect(visitor)])
    const watched = await watcher.request({ type: 'chat.watch', chatId: channel })
    expect(watched).toMatchObject({ type: 'ack', chat: { id: channel, lastSeq: 1, lastChangeSeq: 1 } })

    await api(baseUrl(), owner, 'POST', `/api/chats/${channel}/messages`, { content: 'live check' })
    await watcher.waitFor(said(channel, 'live check'))
    await api(baseUrl(), owner, 'PATCH', `/api/chats/${channel}`, { topic: 'Fresh topic' })
    expect((await watcher.waitFor(frame => frame.type === 'chat.updated')).chat).toMatchObject({ id: channel, topic: 'Fresh topic', membership: null })
    // Watching is not membership: typing there is refused as before.
    expect(await watcher.request({ type: 'typing', chatId: channel })).toMatchObject({ type: 'error', code: 'forbidden' })

    expect(await watcher.request({ type: 'chat.unwatch', chatId: channel })).toMatchObject({ type: 'ack' })
    await api(baseUrl(), owner, 'POST', `/api/chats/${channel}/messages`, { content: 'after stopping' })
    await ownerSocket.waitFor(said(channel, 'after stopping'))
    await api(baseUrl(), owner, 'POST', '/api/chats', { type: 'direct', userId: visitor.id })
    await watcher.waitFor(frame => frame.type === 'chat.created')
    expect(watcher.frames.some(said(channel, 'after stopping'))).toBe(false)
  })

  it('refuses a group or direct chat the person is not in, as reading it is refused', async () => {
    const outsider = await signUp(baseUrl(), 'outside')
    const socket = await connect(outsider)
    const direct = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: bob.id })).body.id as string
    for (const chat of [chatId, direct, '0123456789abcdef01234567']) {
      expect((await api(baseUrl(), outsider, 'GET', `/api/chats/${chat}`)).status).toBe(404)
      expect(await socket.request({ type: 'chat.watch', chatId: chat })).toMatchObject({ type: 'error', code: 'not_found' })
    }
    await api(baseUrl(), ana, 'POST', `/api/chats/${chatId}/messages`, { content: 'members only' })
    await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: outsider.id })
    await socket.waitFor(frame => frame.type === 'chat.created')
    expect(socket.frames.some(said(chatId, 'members only'))).toBe(false)
  })

  it('hands over to the membership on joining: each message once, and stopping the watch then loses nothing', async () => {
    const [owner, visitor] = await Promise.all([signUp(baseUrl(), 'owner'), signUp(baseUrl(), 'joiner')])
    const channel = (await api(baseUrl(), owner, 'POST', '/api/chats', { type: 'channel', name: `join-${visitor.username}` })).body.id as string
    const watcher = await connect(visitor)
    await watcher.request({ type: 'chat.watch', chatId: channel })
    await api(baseUrl(), owner, 'POST', `/api/chats/${channel}/messages`, { content: 'while watching' })
    await watcher.waitFor(said(channel, 'while watching'))
    expect((await api(baseUrl(), visitor, 'POST', `/api/chats/${channel}/join`)).status).toBe(200)
    await api(baseUrl(), owner, 'POST', `/api/chats/${channel}/messages`, { content: 'after joining' })
    await watcher.waitFor(said(channel, 'after joining'))
    expect(await watcher.request({ type: 'chat.unwatch', chatId: channel })).toMatchObject({ type: 'ack' })
    await api(baseUrl(), owner, 'POST', `/api/chats/${channel}/messages`, { content: 'as a member' })
    await watcher.waitFor(said(channel, 'as a member'))
    for (const content of ['while watching', 'after joining', 'as a member']) expect(watcher.frames.filter(said(channel, content))).toHaveLength(1)
  })
})

describe('/ws catch-up after a reconnect', () => {
  it('returns exactly the changes missed while away, in order, through /changes', async () => {
    const [reader, writer] = await Promise.all([signUp(baseUrl(), 'away'), signUp(baseUrl(), 'busy')])
    const chat = (await api(baseUrl(), writer, 'POST', '/api/chats', { type: 'group', name: 'Away', memberIds: [reader.id] })).body.id
    await api(baseUrl(), writer, 'POST', `/api/chats/${chat}/messages`, { content: 'seen' })
    const first = await connect(reader)
    const seen = (first.frames[0]!.chats as { id: string, lastChangeSeq: number }[]).find(c => c.id === chat)!.lastChangeSeq
    await first.close()

    const writerSocket = await connect(writer)
    const sent: Message[] = []
    for (let i = 0; i < 30; i++) sent.push((await writerSocket.request({ type: 'message.send', chatId: chat, content: `while away ${i}`, clientId: `away-${i}` })).message as Message)
    await writerSocket.request({ type: 'message.edit', messageId: sent[0]!.id, content: 'edited 0' })
    await writerSocket.request({ type: 'message.edit', messageId: sent[10]!.id, content: 'edited 10' })
    await writerSocket.request({ type: 'message.delete', messageId: sent[20]!.id })
    await writerSocket.request({ type: 'reaction.add', messageId: sent[5]!.id, emoji: '👀' })

    const again = await connect(reader)
    const now = (again.frames[0]!.chats as { id: string, lastChangeSeq: number }[]).find(c => c.id === chat)!
    expect(now.lastChangeSeq).toBe(seen + 34)
    const missed = (await api(baseUrl(), reader, 'GET', `/api/chats/${chat}/changes?since=${seen}&limit=100`)).body
    expect(missed.hasMore).toBe(false)
    expect(missed.lastChangeSeq).toBe(now.lastChangeSeq)
    const items = missed.items as Message[]
    expect(items.map(m => m.id).sort()).toEqual(sent.map(m => m.id).sort())
    expect(items.map(m => m.changeSeq)).toEqual([...items.map(m => m.changeSeq)].sort((a, b) => a - b))
    const byId = new Map(items.map(m => [m.id, m]))
    expect(byId.get(sent[0]!.id)!.content).toBe('edited 0')
    expect(byId.get(sent[10]!.id)!.content).toBe('edited 10')
    expect(byId.get(sent[20]!.id)!.deletedAt).not.toBeNull()
    expect(byId.get(sent[5]!.id)!.reactions).toEqual([{ emoji: '👀', count: 1, userIds: [writer.id] }])
  })
})

describe('/ws ordering under load', () => {
  it('stores 5 x 40 concurrent sends once each, in one seq order every client sees', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, (_, i) => signUp(baseUrl(), `load${i}`)))
    const chat = (await api(baseUrl(), users[0]!, 'POST', '/api/chats', { type: 'group', name: 'Load', memberIds: users.slice(1).map(u => u.id) })).body.id
    const sockets = await Promise.all(users.map(user => connect(user)))
    const acks = await Promise.all(sockets.map((socket, s) => Promise.all(Array.from({ length: 40 }, (_, i) =>
      socket.request({ type: 'message.send', chatId: chat, content: `s${s} m${i}`, clientId: `s${s}-${i}` }, 60_000)))))
    const seqs = acks.flat().map(ack => (ack.message as Message).seq).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    const orders = await Promise.all(sockets.map(async (socket) => {
      const frames = await socket.waitForCount(isCreated(chat), 200, 60_000)
      return frames.map(frame => (frame.message as Message).seq)
    }))
    for (const order of orders) expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    const detail = await api(baseUrl(), users[0]!, 'GET', `/api/chats/${chat}`)
    expect(detail.body.lastSeq).toBe(200)
  }, 120_000)
})
