import { afterAll, describe, expect, inject, it } from 'vitest'
import type { AuthResult } from '#shared/types/api'
import { api, call, signUp, uniqueName } from '../harness/api-client'
import { socketPool, TestSocket, type Frame } from '../harness/ws-client'

// What the people who shared a chat with a deleted account hear, at once (api-accounts.md
// "Account deletion"): the "Deleted user" stand-in, offline, and no more sending to nobody.
const baseUrl = () => inject('baseUrl')
const sockets = socketPool(baseUrl)
afterAll(() => sockets.closeAll())

const isGoneUser = (userId: string) => (frame: Frame) => frame.type === 'user.updated' && (frame.user as { id: string }).id === userId
const isOffline = (userId: string) => (frame: Frame) => frame.type === 'presence' && frame.userId === userId && frame.online === false

describe('a deleted account', () => {
  it('is announced as "Deleted user" and offline to everyone who shared a chat, and its direct chat takes no more messages', async () => {
    const [stays, leaves, stranger] = await Promise.all([signUp(baseUrl(), 'stays'), signUp(baseUrl(), 'leaves'), signUp(baseUrl(), 'stranger')])
    const direct = (await api(baseUrl(), stays, 'POST', '/api/chats', { type: 'direct', userId: leaves.id })).body.id as string
    const group = (await api(baseUrl(), leaves, 'POST', '/api/chats', { type: 'group', name: 'Soon alone', memberIds: [stays.id] })).body.id as string
    const [watcher, outsider] = await Promise.all([sockets.connect(stays), sockets.connect(stranger)])
    const leaving = await TestSocket.connect(baseUrl(), { token: leaves.token })
    await watcher.waitFor(frame => frame.type === 'presence' && frame.userId === leaves.id && frame.online === true)

    expect((await api(baseUrl(), leaves, 'DELETE', '/api/users/me', { password: leaves.password })).status).toBe(204)
    expect((await leaving.closed).code).toBe(4401)
    const told = await watcher.waitFor(isGoneUser(leaves.id))
    expect(told.user).toMatchObject({ id: leaves.id, username: 'deleted', displayName: 'Deleted user', online: false })
    // Offline now, not once a grace for reloads has passed.
    await watcher.waitFor(isOffline(leaves.id))
    // Told once per socket, though the two shared two chats.
    expect(watcher.frames.filter(isGoneUser(leaves.id))).toHaveLength(1)

    // The direct chat stays for the one who remains, with nobody to read what is sent to it.
    const chat = (await api(baseUrl(), stays, 'GET', `/api/chats/${direct}`)).body
    expect(chat.peer).toMatchObject({ id: leaves.id, displayName: 'Deleted user', online: false })
    const refused = await api(baseUrl(), stays, 'POST', `/api/chats/${direct}/messages`, { content: 'anyone there?' })
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ message: 'This account was deleted: nobody reads this chat any more.', data: { code: 'forbidden' } })
    const frame = await watcher.request({ type: 'message.send', chatId: direct, content: 'hello?', clientId: 'after-deletion' })
    expect(frame).toMatchObject({ type: 'error', code: 'forbidden' })
    // The group the account left still takes messages.
    expect((await api(baseUrl(), stays, 'POST', `/api/chats/${group}/messages`, { content: 'still here' })).status).toBe(201)
    expect(outsider.frames.some(isGoneUser(leaves.id))).toBe(false)
  })

  it('tells the open chats of a deleted guest at once, before a stranger can take its name', async () => {
    const stays = await signUp(baseUrl(), 'host')
    const name = uniqueName('guest')
    const guest = await call<AuthResult>(baseUrl(), '/api/auth/guest', { body: { username: name } })
    expect(guest.status).toBe(201)
    const guestId = guest.body.user.id
    await api(baseUrl(), stays, 'POST', '/api/chats', { type: 'direct', userId: guestId })
    const watcher = await sockets.connect(stays)
    const guestSocket = await TestSocket.connect(baseUrl(), { token: guest.body.accessToken })
    await watcher.waitFor(frame => frame.type === 'presence' && frame.userId === guestId && frame.online === true)

    expect((await call(baseUrl(), '/api/users/me', { method: 'DELETE', token: guest.body.accessToken, body: {} })).status).toBe(204)
    await guestSocket.closed
    expect((await watcher.waitFor(isGoneUser(guestId))).user).toMatchObject({ displayName: 'Deleted user' })
    await watcher.waitFor(isOffline(guestId))
  })
})
