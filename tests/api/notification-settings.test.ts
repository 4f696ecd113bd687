import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { Chat } from '#shared/types/api'
import { api, signUp, type TestUser } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

const baseUrl = () => inject('baseUrl')
let ana: TestUser, bob: TestUser, eve: TestUser
let groupId: string, channelId: string

beforeAll(async () => {
  [ana, bob, eve] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'bob'), signUp(baseUrl(), 'eve')])
  groupId = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Settings', memberIds: [bob.id] })).body.id
  channelId = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: `settings-${Date.now()}` })).body.id
})

const put = (user: TestUser, chatId: string, body: unknown) => api<Chat>(baseUrl(), user, 'PUT', `/api/chats/${chatId}/notifications`, body)

describe('notification settings', () => {
  it('default to every message for groups and mentions only for channels', async () => {
    expect((await api<Chat>(baseUrl(), bob, 'GET', `/api/chats/${groupId}`)).body.membership).toMatchObject({ notify: 'all', mutedUntil: null })
    expect((await api<Chat>(baseUrl(), ana, 'GET', `/api/chats/${channelId}`)).body.membership).toMatchObject({ notify: 'mentions', mutedUntil: null })
  })

  it('change per membership, mute for a while, and show in the chat list', async () => {
    const changed = await put(bob, groupId, { notify: 'mentions' })
    expect(changed.status).toBe(200)
    expect(changed.body.membership).toMatchObject({ notify: 'mentions', mutedUntil: null })
    // Ana's own membership is untouched.
    expect((await api<Chat>(baseUrl(), ana, 'GET', `/api/chats/${groupId}`)).body.membership).toMatchObject({ notify: 'all' })

    const before = Date.now()
    const muted = await put(bob, groupId, { muteHours: 8 })
    const until = Date.parse(muted.body.membership!.mutedUntil!)
    expect(until).toBeGreaterThanOrEqual(before + 8 * 3600_000 - 1000)
    expect(until).toBeLessThanOrEqual(Date.now() + 8 * 3600_000 + 1000)
    const list = await api<{ items: Chat[] }>(baseUrl(), bob, 'GET', '/api/chats')
    expect(list.body.items.find(chat => chat.id === groupId)!.membership).toMatchObject({ notify: 'mentions', mutedUntil: muted.body.membership!.mutedUntil })

    const unmuted = await put(bob, groupId, { notify: 'none', muteHours: null })
    expect(unmuted.body.membership).toMatchObject({ notify: 'none', mutedUntil: null })
  })

  it('refuse bad input and outsiders', async () => {
    for (const body of [{}, { notify: 'loud' }, { muteHours: 2 }, { notify: 'all', extra: 1 }]) {
      const response = await api(baseUrl(), bob, 'PUT', `/api/chats/${groupId}/notifications`, body)
      expect(response.status).toBe(400)
      expect(response.body.data.code).toBe('validation_failed')
    }
    expect((await put(eve, groupId, { notify: 'all' })).status).toBe(404)
  })

  it('reach every tab of the person at once, and no one else', async () => {
    const [bobTab, anaTab] = await Promise.all([TestSocket.connect(baseUrl(), { token: bob.token }), TestSocket.connect(baseUrl(), { token: ana.token })])
    try {
      await put(bob, groupId, { notify: 'all', muteHours: 1 })
      const event = await bobTab.waitFor(frame => frame.type === 'chat.updated' && (frame.chat as Chat).id === groupId)
      expect((event.chat as Chat).membership).toMatchObject({ notify: 'all', mutedUntil: expect.any(String) })
      // Ana's socket hears nothing of Bob's settings (a ping proves her socket is caught up).
      anaTab.send({ type: 'ping', id: 'after-settings' })
      await anaTab.waitFor(frame => frame.type === 'pong' && frame.id === 'after-settings')
      expect(anaTab.frames.filter(frame => frame.type === 'chat.updated')).toEqual([])
    }
    finally {
      await Promise.all([bobTab.close(), anaTab.close()])
    }
  })
})
