import { describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types/api'
import { api, call, cookieHeader, signUp, uniqueName, type TestUser } from '../harness/api-client'

// A page on another site can make the browser post a form to the API: a form's body is
// urlencoded, multipart or text/plain (never JSON), and the browser sends it with the
// person's cookies and `Origin: <that site>`. A login accepted that way replaced the person's
// cookies with the attacker's account (login CSRF: what they type next goes to the attacker).
// So every JSON route answers a body that is not `application/json` with 400, and every
// unsafe request not authenticated by Bearer obeys the Origin rule, signed in or not
// (docs/api-accounts.md, "CSRF"; docs/api.md, "Request bodies").
const baseUrl = () => inject('baseUrl')
const FOREIGN = { 'origin': 'http://evil.example', 'sec-fetch-site': 'cross-site' }

type Fields = Record<string, string>

/** The three bodies an HTML form can send, as a browser encodes them. */
function formBodies(fields: Fields): { name: string, contentType: string, body: string }[] {
  const boundary = '----WebKitFormBoundaryX3bY9nA1'
  const multipart = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') + `--${boundary}--\r\n`
  return [
    { name: 'urlencoded', contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() },
    { name: 'multipart', contentType: `multipart/form-data; boundary=${boundary}`, body: multipart },
    // `enctype="text/plain"` with a field named so that the body reads as JSON.
    { name: 'text/plain', contentType: 'text/plain', body: JSON.stringify(fields) },
  ]
}

async function formPost(path: string, contentType: string, body: string, headers: Record<string, string> = {}) {
  return call(baseUrl(), path, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } })
}

const routes: { path: string, fields: (account: TestUser) => Fields }[] = [
  { path: '/api/auth/login', fields: account => ({ login: account.username, password: account.password }) },
  { path: '/api/auth/register', fields: () => ({ username: uniqueName('form'), password: 'correct horse battery staple' }) },
  { path: '/api/auth/guest', fields: () => ({ username: uniqueName('formguest') }) },
]

describe('cross-site form posts', () => {
  for (const route of routes) {
    it(`${route.path}: a form from another site is refused with 403 forbidden_origin, and no cookie is set`, async () => {
      const attacker = await signUp(baseUrl(), 'attacker')
      for (const form of formBodies(route.fields(attacker))) {
        const answer = await formPost(route.path, form.contentType, form.body, FOREIGN)
        expect([form.name, answer.status, answer.body?.data?.code]).toEqual([form.name, 403, 'forbidden_origin'])
        expect(answer.response.headers.getSetCookie(), form.name).toEqual([])
      }
      // The same JSON request from another site, as fetch() there would send it, too.
      const json = await call(baseUrl(), route.path, { body: route.fields(attacker), headers: FOREIGN })
      expect([json.status, json.body?.data?.code]).toEqual([403, 'forbidden_origin'])
    })

    it(`${route.path}: a form body without Origin is refused with 400 validation_failed (JSON only)`, async () => {
      const attacker = await signUp(baseUrl(), 'attacker')
      for (const form of formBodies(route.fields(attacker))) {
        const answer = await formPost(route.path, form.contentType, form.body)
        expect([form.name, answer.status, answer.body?.data?.code]).toEqual([form.name, 400, 'validation_failed'])
        expect(answer.body.message, form.name).toMatch(/application\/json/)
        expect(answer.response.headers.getSetCookie(), form.name).toEqual([])
      }
    })
  }

  it('a password reset request from another site is refused; from the app or a non-browser client it is taken', async () => {
    const path = '/api/auth/password/forgot'
    expect((await call(baseUrl(), path, { body: { email: 'someone@example.com' }, headers: FOREIGN })).status).toBe(403)
    expect((await call(baseUrl(), path, { body: { email: 'someone@example.com' }, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403)
    expect((await call(baseUrl(), path, { body: { email: 'someone@example.com' }, headers: { origin: baseUrl() } })).status).toBe(202)
    expect((await call(baseUrl(), path, { body: { email: 'someone@example.com' } })).status).toBe(202)
  })

  it('the app and non-browser clients still sign in: JSON (charset allowed) from the app\'s origin or with no Origin', async () => {
    const account = await signUp(baseUrl(), 'ana')
    const body = JSON.stringify({ login: account.username, password: account.password })
    const fromApp = await formPost('/api/auth/login', 'application/json', body, { 'origin': baseUrl(), 'sec-fetch-site': 'same-origin' })
    expect(fromApp.status).toBe(200)
    expect(Object.keys(Object.fromEntries(fromApp.response.headers.getSetCookie().map(line => line.split('='))))).toEqual(expect.arrayContaining(['chat_access', 'chat_refresh']))
    expect((await formPost('/api/auth/login', 'application/json; charset=utf-8', body)).status).toBe(200)
    expect((await formPost('/api/auth/login', 'Application/JSON;charset=UTF-8', body)).status).toBe(200)
  })

  it('a cookie-authenticated form post stores nothing: 403 with a foreign Origin, 400 without one; JSON and Bearer work', async () => {
    const ana = await signUp(baseUrl(), 'ana')
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Notes', memberIds: [] })).body
    const path = `/api/chats/${chat.id}/messages`
    const cookie = cookieHeader({ chat_access: ana.accessCookie })
    for (const form of formBodies({ content: 'typed-for-the-attacker', clientId: 'form-1' })) {
      const foreign = await call(baseUrl(), path, { method: 'POST', body: form.body, cookie, headers: { 'content-type': form.contentType, ...FOREIGN } })
      expect([form.name, foreign.status, foreign.body?.data?.code]).toEqual([form.name, 403, 'forbidden_origin'])
      const noOrigin = await call(baseUrl(), path, { method: 'POST', body: form.body, cookie, headers: { 'content-type': form.contentType } })
      expect([form.name, noOrigin.status, noOrigin.body?.data?.code]).toEqual([form.name, 400, 'validation_failed'])
    }
    const stored = await api<{ items: Message[] }>(baseUrl(), ana, 'GET', path)
    expect(stored.body.items.map(message => message.content)).not.toContain('typed-for-the-attacker')

    const viaCookie = await call(baseUrl(), path, { body: { content: 'from the app', clientId: 'json-1' }, cookie, headers: { origin: baseUrl() } })
    expect(viaCookie.status).toBe(201)
    const viaBearer = await call(baseUrl(), path, { body: { content: 'from a bot', clientId: 'json-2' }, token: ana.token })
    expect(viaBearer.status).toBe(201)
  })
})
