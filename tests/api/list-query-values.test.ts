import { describe, expect, inject, it } from 'vitest'
import { api, signUp } from '../harness/api-client'

// A number in a list's query is decimal digits: `?before=` (empty) read as 0 answered an
// empty page as if the history were read to its start, `?around=` jumped to seq 0, and
// `limit=1e2` or `limit=0x10` were taken as 100 and 16. Each is a client's mistake, answered
// 400 validation_failed on every list route (docs/api.md, "Lists").
const baseUrl = () => inject('baseUrl')

describe('numeric query values', () => {
  it('refuses empty and non-decimal numbers on every list route; decimal digits are taken', async () => {
    const ana = await signUp(baseUrl(), 'ana')
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Numbers' })).body
    for (const content of ['one', 'two', 'three']) {
      expect((await api(baseUrl(), ana, 'POST', `/api/chats/${chat.id}/messages`, { content })).status).toBe(201)
    }
    const history = `/api/chats/${chat.id}/messages`
    const refused = [
      `${history}?before=`, `${history}?after=`, `${history}?around=`, `${history}?limit=`,
      `${history}?limit=1e2`, `${history}?limit=0x10`, `${history}?before=3.0`, `${history}?before=+3`, `${history}?before=%203`,
      `/api/chats/${chat.id}/changes?since=`, `/api/chats/${chat.id}/changes?since=0x1`, `/api/chats/${chat.id}/changes?limit=1e1`,
      '/api/search/messages?q=three&limit=0x10', '/api/search/messages?q=three&limit=',
      '/api/chats?limit=1e1', '/api/chats/public?limit=0x10', '/api/users?limit=', `/api/chats/${chat.id}/members?limit=1e1`,
      `/api/chats/${chat.id}/attachments?limit=0x10`,
    ]
    for (const path of refused) {
      const answer = await api(baseUrl(), ana, 'GET', path)
      expect([path, answer.status, answer.body?.data?.code]).toEqual([path, 400, 'validation_failed'])
    }

    const before = await api(baseUrl(), ana, 'GET', `${history}?before=3&limit=10`)
    expect(before.status).toBe(200)
    expect(before.body.items.map((message: { content: string }) => message.content)).toEqual(['one', 'two'])
    const around = await api(baseUrl(), ana, 'GET', `${history}?around=2&limit=010`)
    expect(around.status).toBe(200)
    expect(around.body.items.map((message: { content: string }) => message.content)).toContain('two')
    for (const path of [`/api/chats/${chat.id}/changes?since=1&limit=5`, '/api/chats?limit=5', '/api/chats/public?limit=5', '/api/users?limit=5', `/api/chats/${chat.id}/members?limit=5`, `/api/chats/${chat.id}/attachments?limit=5`]) {
      expect([path, (await api(baseUrl(), ana, 'GET', path)).status]).toEqual([path, 200])
    }
  })
})
