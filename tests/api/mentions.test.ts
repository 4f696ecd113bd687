import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { Chat, Message, Page } from '#shared/types/api'
import { api, call, signUp, type TestUser } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

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
    expect(await membershipOf(bob)).toMatchObject({ unreadCount: 1, mentionCount: 1, mentionSeqs: [message.seq] })
    expect(await membershipOf(cy)).toMatchObject({ unreadCount: 1, mentionCount: 0, mentionSeqs: [] })
    expect(await membershipOf(ana)).toMatchObject({ unreadCount: 0, mentionCount: 0, mentionSeqs: [] })
    // The history carries them too.
    const history = await api<{ items: Message[] }>(baseUrl(), bob, 'GET', `/api/chats/${chatId}/messages`)
    expect(history.body.items.at(-1)!.mentions).toEqual([bob.id])
  })

  it('counts @all for everyone but the sender, @here for the members online, and reading clears the count', async () => {
    const all = await send(ana, '@all meeting now')
    expect(all).toMatchObject({ mentions: [], mentionsAll: true })
    // Bob is online (a socket open), Cy is not: `@here` is for Bob only.
    const bobOnline = await TestSocket.connect(baseUrl(), { token: bob.token })
    try {
      expect(await send(ana, '@here still on?')).toMatchObject({ mentions: [], mentionsAll: true })
    }
    finally {
      await bobOnline.close()
    }
    expect(await membershipOf(bob)).toMatchObject({ unreadCount: 3, mentionCount: 3, mentionSeqs: [all.seq - 1, all.seq, all.seq + 1] })
    // The unread mentions' seqs, ascending, whatever kind: what "Jump to next mention" goes to.
    expect(await membershipOf(cy)).toMatchObject({ unreadCount: 3, mentionCount: 1, mentionSeqs: [all.seq] })
    expect(await membershipOf(ana)).toMatchObject({ mentionCount: 0 })

    // The chat list carries the count as well.
    const list = await api<Page<Chat>>(baseUrl(), cy, 'GET', '/api/chats')
    expect(list.body.items.find(chat => chat.id === chatId)!.membership).toMatchObject({ mentionCount: 1 })

    // Reading part of the chat leaves the later mentions; reading all of it clears them.
    await api(baseUrl(), bob, 'POST', `/api/chats/${chatId}/read`, { seq: all.seq })
    expect(await membershipOf(bob)).toMatchObject({ unreadCount: 1, mentionCount: 1, mentionSeqs: [all.seq + 1] })
    await api(baseUrl(), bob, 'POST', `/api/chats/${chatId}/read`, { seq: all.seq + 1 })
    expect(await membershipOf(bob)).toMatchObject({ unreadCount: 0, mentionCount: 0, mentionSeqs: [] })
  })

  it('counts @everyone and @channel as @all: chat-wide, for every other member', async () => {
    const group = (await api<Chat>(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Everyone', memberIds: [bob.id, cy.id] })).body.id
    const everyone = await send(ana, '@everyone release at 5', group)
    expect(everyone).toMatchObject({ mentions: [], mentionsAll: true })
    const channel = await send(bob, '@Channel moved to 6', group)
    expect(channel).toMatchObject({ mentions: [], mentionsAll: true })
    expect(await membershipOf(cy, group)).toMatchObject({ mentionCount: 2, mentionSeqs: [everyone.seq, channel.seq] })
    expect(await membershipOf(bob, group)).toMatchObject({ mentionCount: 1, mentionSeqs: [everyone.seq] })
    expect(await membershipOf(ana, group)).toMatchObject({ mentionCount: 1, mentionSeqs: [channel.seq] })
  })

  it('refuses "everyone" and the other chat-wide words as a new username, on registration and guest entry', async () => {
    const refused = (word: string) => ({
      statusCode: 400,
      data: { code: 'validation_failed', issues: [{ path: ['username'], message: `"${word}" cannot be a username: @${word.toLowerCase()} mentions the whole chat` }] },
    })
    const registered = await call(baseUrl(), '/api/auth/register', { body: { username: 'everyone', password: 'password-123' } })
    expect(registered.status).toBe(400)
    expect(registered.body).toMatchObject(refused('everyone'))
    const guest = await call(baseUrl(), '/api/auth/guest', { body: { username: 'Here' } })
    expect(guest.status).toBe(400)
    expect(guest.body).toMatchObject(refused('Here'))
    for (const word of ['all', 'channel']) {
      expect((await call(baseUrl(), '/api/auth/register', { body: { username: word, password: 'password-123' } })).body).toMatchObject(refused(word))
    }
  })

  it('does not count a deleted mention', async () => {
    const message = await send(bob, `@${cy.username} oops`)
    const before = (await membershipOf(cy)).mentionCount
    expect((await api(baseUrl(), bob, 'DELETE', `/api/messages/${message.id}`)).status).toBe(204)
    expect((await membershipOf(cy)).mentionCount).toBe(before - 1)
    expect((await membershipOf(cy)).mentionSeqs).not.toContain(message.seq)
  })

  it('does not mention in a direct chat whoever is not in it, and @all there is the peer', async () => {
    const direct = (await api<Chat>(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: bob.id })).body.id
    const message = await send(ana, `@${cy.username} @all`, direct)
    expect(message).toMatchObject({ mentions: [], mentionsAll: true })
    expect(await membershipOf(bob, direct)).toMatchObject({ mentionCount: 1 })
  })

  it('lets only owners and admins address a channel of more than 50 members', async () => {
    const channel = (await api<Chat>(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: `big-${Date.now()}` })).body.id
    const crowd = await Promise.all(Array.from({ length: 50 }, (_, index) => signUp(baseUrl(), `crowd${index}_`)))
    for (const person of crowd) expect((await api(baseUrl(), person, 'POST', `/api/chats/${channel}/join`)).status).toBeLessThan(300)
    expect((await api<Chat>(baseUrl(), ana, 'GET', `/api/chats/${channel}`)).body.memberCount).toBe(51)
    const [plain, listener] = [crowd[0]!, crowd[1]!]

    const refused = await send(plain, '@all and @here, listen', channel)
    expect(refused).toMatchObject({ mentions: [], mentionsAll: false })
    expect(await membershipOf(listener, channel)).toMatchObject({ mentionCount: 0 })

    const owners = await send(ana, '@all listen', channel)
    expect(owners).toMatchObject({ mentions: [], mentionsAll: true })
    expect(await membershipOf(listener, channel)).toMatchObject({ mentionCount: 1 })
    expect(await membershipOf(plain, channel)).toMatchObject({ mentionCount: 1 })

    const admin = crowd[2]!
    expect((await api(baseUrl(), ana, 'PATCH', `/api/chats/${channel}/members/${admin.id}`, { role: 'admin' })).status).toBe(200)
    expect(await send(admin, '@all from an admin', channel)).toMatchObject({ mentionsAll: true })
    expect(await membershipOf(listener, channel)).toMatchObject({ mentionCount: 2 })
  })
  it('mentions the author of the message replied to, as naming them would: never the sender, never someone who left', async () => {
    const channel = (await api<Chat>(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: `replies-${Date.now()}` })).body.id
    for (const person of [bob, cy]) expect((await api(baseUrl(), person, 'POST', `/api/chats/${channel}/join`)).status).toBeLessThan(300)
    const reply = async (user: TestUser, to: Message, content: string) => {
      const response = await api<Message>(baseUrl(), user, 'POST', `/api/chats/${channel}/messages`, { content, replyToId: to.id })
      expect(response.status).toBe(201)
      return response.body
    }
    const question = await send(ana, 'who is coming tomorrow?', channel)
    const answer = await reply(bob, question, 'me')
    expect(answer.mentions).toEqual([ana.id])
    expect(await membershipOf(ana, channel)).toMatchObject({ mentionCount: 1 })
    // Named as well, the author is mentioned once.
    const metoo = await reply(cy, question, `@${ana.username} me too`)
    expect(metoo.mentions).toEqual([ana.id])
    // A reply to one's own message mentions nobody.
    expect((await reply(bob, answer, 'and my brother')).mentions).toEqual([])
    // An author who left the channel no longer reads it: no mention.
    expect((await api(baseUrl(), cy, 'POST', `/api/chats/${channel}/leave`)).status).toBeLessThan(300)
    expect((await reply(bob, metoo, 'noted')).mentions).toEqual([])
  })
})
