import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { Chat, Message, Page } from '#shared/types/api'
import { api, signUp, type TestUser } from '../harness/api-client'

const baseUrl = () => inject('baseUrl')
let ana: TestUser, bob: TestUser, cy: TestUser, eve: TestUser
let chatId: string

beforeAll(async () => {
  [ana, bob, cy, eve] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'bob'), signUp(baseUrl(), 'cy'), signUp(baseUrl(), 'eve')])
  chatId = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Mentions', memberIds: [bob.id, cy.id] })).body.id
})

const send = async (user: TestUser, content: string, chat = chatId) => {
  const response = await api<Message>(baseUrl(), user, 'POST', `/api/chats/${chat}/messages`, { content })
  expect(response.status).toBe(201)
  return response.body
}
const membershipOf = async (user: TestUser, chat = chatId) => (await api<Chat>(baseUrl(), user, 'GET', `/api/chats/${chat}`)).body.membership!

describe('mentions', () => {
  it('stores the ids of the named people who can read the chat, never from code or for outsiders', async () => {
    const message = await send(ana, `hi @${bob.username.toUpperCase()}, @${eve.username} and \`@${cy.username}\` and @${ana.username}`)
    expect(message.mentions).toEqual([bob.id])
    expect(message.mentionsAll).toBe(false)
    expect(await membershipOf(bob)).toMatchObject({ unreadCount: 1, mentionCount: 1 })
    expect(await membershipOf(cy)).toMatchObject({ unreadCount: 1, mentionCount: 0 })
    expect(await membershipOf(ana)).toMatchObject({ unreadCount: 0, mentionCount: 0 })
    // The history carries them too.
    const history = await api<{ items: Message[] }>(baseUrl(), bob, 'GET', `/api/chats/${chatId}/messages`)
    expect(history.body.items.at(-1)!.mentions).toEqual([bob.id])
  })

  it('counts @all and @here for everyone but the sender, and reading clears the count', async () => {
    const all = await send(ana, '@all meeting now')
    expect(all).toMatchObject({ mentions: [], mentionsAll: true })
    await send(ana, '@here still on?')
    expect(await membershipOf(bob)).toMatchObject({ unreadCount: 3, mentionCount: 3 })
    expect(await membershipOf(cy)).toMatchObject({ unreadCount: 3, mentionCount: 2 })
    expect(await membershipOf(ana)).toMatchObject({ mentionCount: 0 })

    // The chat list carries the count as well.
    const list = await api<Page<Chat>>(baseUrl(), cy, 'GET', '/api/chats')
    expect(list.body.items.find(chat => chat.id === chatId)!.membership).toMatchObject({ mentionCount: 2 })

    // Reading part of the chat leaves the later mentions; reading all of it clears them.
    await api(baseUrl(), bob, 'POST', `/api/chats/${chatId}/read`, { seq: all.seq })
    expect(await membershipOf(bob)).toMatchObject({ unreadCount: 1, mentionCount: 1 })
    await api(baseUrl(), bob, 'POST', `/api/chats/${chatId}/read`, { seq: all.seq + 1 })
    expect(await membershipOf(bob)).toMatchObject({ unreadCount: 0, mentionCount: 0 })
  })

  it('does not count a deleted mention', async () => {
    const message = await send(bob, `@${cy.username} oops`)
    const before = (await membershipOf(cy)).mentionCount
    expect((await api(baseUrl(), bob, 'DELETE', `/api/messages/${message.id}`)).status).toBe(204)
    expect((await membershipOf(cy)).mentionCount).toBe(before - 1)
  })

  it('does not mention in a direct chat whoever is not in it, and @all there is the peer', async () => {
    const direct = (await api<Chat>(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: bob.id })).body.id
    const message = await send(ana, `@${cy.username} @all`, direct)
    expect(message).toMatchObject({ mentions: [], mentionsAll: true })
    expect(await membershipOf(bob, direct)).toMatchObject({ mentionCount: 1 })
  })
})
