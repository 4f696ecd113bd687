import { describe, expect, inject, it } from 'vitest'
import { WebSocket } from 'ws'
import type { Message, RefreshResult } from '#shared/types/api'
import { api, call, cookieHeader, loginUser, signUp } from '../harness/api-client'

// A browser's tabs share its auth cookies, while each tab shows one person: a request names
// that person in `X-Expected-User` (the socket's upgrade in `?expectedUser=`), and the server
// refuses one authenticated as anyone else with 409 `account_changed`, so a tab never acts
// for the account another tab signed in meanwhile (docs/api-accounts.md, "One account per
// browser"; the tab's side: tests/e2e/account-switch.spec.ts).
const baseUrl = () => inject('baseUrl')

function upgradeStatus(token: string, expectedUser: string): Promise<number> {
  const url = `${baseUrl().replace(/^http/, 'ws')}/ws?expectedUser=${expectedUser}`
  const ws = new WebSocket(url, { headers: { cookie: cookieHeader({ chat_access: token }) } })
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('unexpected-response', (_request, response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    ws.once('error', reject)
  })
}

describe('X-Expected-User', () => {
  it('refuses a send made for Ben with Ana\'s cookie (409 account_changed): nothing is stored as Ana', async () => {
    const [ana, ben] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'ben')])
    const chat = (await api(baseUrl(), ben, 'POST', '/api/chats', { type: 'group', name: 'Crew', memberIds: [ana.id] })).body
    const sent = await call(baseUrl(), `/api/chats/${chat.id}/messages`, {
      body: { content: 'sent-from-bens-tab', clientId: 'c1' },
      cookie: cookieHeader({ chat_access: ana.accessCookie }),
      headers: { 'x-expected-user': ben.id },
    })
    expect(sent.status).toBe(409)
    expect(sent.body).toMatchObject({ statusCode: 409, data: { code: 'account_changed' } })
    const stored = await api<{ items: Message[] }>(baseUrl(), ana, 'GET', `/api/chats/${chat.id}/messages`)
    expect(stored.body.items.map(message => message.content)).not.toContain('sent-from-bens-tab')

    // The same request naming the account the cookie is for goes through; without the header, as ever.
    const own = await call(baseUrl(), '/api/auth/me', { cookie: cookieHeader({ chat_access: ana.accessCookie }), headers: { 'x-expected-user': ana.id } })
    expect(own.status).toBe(200)
    expect((await call(baseUrl(), '/api/auth/me', { cookie: cookieHeader({ chat_access: ana.accessCookie }) })).status).toBe(200)
  })

  it('refuses a refresh for another account before rotating: the cookie\'s own session goes on', async () => {
    const [ana, ben] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'ben')])
    const refresh = (headers: Record<string, string>) => call<RefreshResult>(baseUrl(), '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: ana.refreshCookie }), headers })
    const refused = await refresh({ 'x-expected-user': ben.id })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ data: { code: 'account_changed' } })
    expect(refused.response.headers.getSetCookie()).toEqual([])
    // Not rotated: the same refresh token still renews Ana's session.
    expect((await refresh({ 'x-expected-user': ana.id })).status).toBe(200)
  })

  it('refuses a socket upgrade naming another account (409): no 101 with Ana\'s cookie for Ben\'s tab', async () => {
    const [ana, ben] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'ben')])
    expect(await upgradeStatus(ana.accessCookie, ben.id)).toBe(409)
    expect(await upgradeStatus(ana.accessCookie, ana.id)).toBe(101)
  })

  it('tells a tab renewing for Ben nothing of how Ana\'s session ended: 409, not her session\'s end', async () => {
    const [ana, ben] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'ben')])
    // Ana ends the session this browser holds, from a session of hers elsewhere.
    const elsewhere = await loginUser(baseUrl(), ana.username, ana.password)
    expect(elsewhere.status).toBe(200)
    expect((await api(baseUrl(), { token: elsewhere.body.accessToken }, 'DELETE', `/api/auth/sessions/${ana.sessionId}`)).status).toBe(204)
    const refused = await call(baseUrl(), '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: ana.refreshCookie }), headers: { 'x-expected-user': ben.id } })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ data: { code: 'account_changed' } })
    expect(refused.body.data.reason).toBeUndefined()
  })

  it('answers a named account that is no user id with 400 validation_failed, on a request, a refresh and an upgrade', async () => {
    const ana = await signUp(baseUrl(), 'ana')
    const me = await call(baseUrl(), '/api/auth/me', { cookie: cookieHeader({ chat_access: ana.accessCookie }), headers: { 'x-expected-user': 'ben' } })
    expect(me.status).toBe(400)
    expect(me.body).toMatchObject({ data: { code: 'validation_failed' } })
    const refresh = await call(baseUrl(), '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: ana.refreshCookie }), headers: { 'x-expected-user': 'ben' } })
    expect(refresh.status).toBe(400)
    expect(await upgradeStatus(ana.accessCookie, 'ben')).toBe(400)
  })
})
