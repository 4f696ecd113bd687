import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { AuthResult, Session } from '#shared/types/api'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { call, cookieHeader, setCookies, TEST_PASSWORD, uniqueName } from '../harness/api-client'
import { linkIn, mailsTo, waitForMail } from '../harness/mailbox'

// Knowing who signed in: each session's browser, OS, address and sign-in method, and the
// "New sign-in" mail for a browser the account has not used (docs/api-accounts.md).

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const CHROME_NEXT = CHROME.replace('Chrome/131.0.0.0', 'Chrome/132.0.6834.83')
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15'
const NEW_SIGN_IN = /New sign-in to your Parley account/

const baseUrl = () => inject('baseUrl')
const mailbox = () => inject('mailbox')

function register(url: string, userAgent: string, fields: { email?: string } = {}, headers: Record<string, string> = {}) {
  const body = { username: uniqueName('who'), password: TEST_PASSWORD, ...fields }
  return call<AuthResult>(url, '/api/auth/register', { body, headers: { 'user-agent': userAgent, ...headers } }).then((result) => {
    expect(result.status).toBe(201)
    return { ...result.body, username: body.username }
  })
}

async function login(url: string, username: string, userAgent: string, headers: Record<string, string> = {}) {
  const result = await call<AuthResult>(url, '/api/auth/login', { body: { login: username, password: TEST_PASSWORD }, headers: { 'user-agent': userAgent, ...headers } })
  expect(result.status).toBe(200)
  return { ...result.body, refreshCookie: setCookies(result.response).chat_refresh!.value }
}

async function sessionsOf(url: string, token: string): Promise<Session[]> {
  const result = await call<{ items: Session[] }>(url, '/api/auth/sessions', { token })
  expect(result.status).toBe(200)
  return result.body.items
}

describe('session details', () => {
  it('lists browser, OS, address and method of each session', async () => {
    const account = await register(baseUrl(), CHROME)
    const firefox = await login(baseUrl(), account.username, FIREFOX)
    const sessions = await sessionsOf(baseUrl(), firefox.accessToken)
    const byId = new Map(sessions.map(session => [session.id, session]))
    expect(byId.get(account.sessionId)).toMatchObject({ browser: 'Chrome 131', os: 'Linux', method: 'password', current: false, userAgent: CHROME })
    expect(byId.get(firefox.sessionId)).toMatchObject({ browser: 'Firefox 133', os: 'Windows', method: 'password', current: true })
    for (const session of sessions) expect(session.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/)

    const guest = await call<AuthResult>(baseUrl(), '/api/auth/guest', { body: { username: uniqueName('guest') }, headers: { 'user-agent': SAFARI } })
    expect(guest.status).toBe(201)
    const [guestSession] = await sessionsOf(baseUrl(), guest.body.accessToken)
    expect(guestSession).toMatchObject({ browser: 'Safari 18', os: 'macOS', method: 'guest', current: true })
  })

  it('keeps null details for a request without a User-Agent it can read', async () => {
    const account = await register(baseUrl(), 'curl-ish/1')
    const [session] = await sessionsOf(baseUrl(), account.accessToken)
    expect(session).toMatchObject({ browser: null, os: null, method: 'password', userAgent: 'curl-ish/1' })
  })

  it('ignores X-Forwarded-For without NUXT_TRUST_PROXY', async () => {
    const account = await register(baseUrl(), CHROME, {}, { 'x-forwarded-for': '203.0.113.7' })
    const [session] = await sessionsOf(baseUrl(), account.accessToken)
    expect(session!.ip).not.toBe('203.0.113.7')
  })

  describe('behind a trusted proxy', () => {
    let server: RunningServer
    beforeAll(async () => {
      server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_TRUST_PROXY: '1' } })
    }, 120_000)
    afterAll(async () => {
      await server?.stop()
    })

    it('records the address the proxy saw (the last X-Forwarded-For entry)', async () => {
      const account = await register(server.baseUrl, CHROME, {}, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' })
      const [session] = await sessionsOf(server.baseUrl, account.accessToken)
      expect(session!.ip).toBe('203.0.113.7')
    })
  })
})

describe('new sign-in mail', () => {
  it('mails a sign-in from a new browser, not from a known one, nor on refresh', async () => {
    const email = `${uniqueName('signin')}@example.com`
    const account = await register(baseUrl(), CHROME, { email })

    // The registration's browser is known: signing in there again (even after an update) is not mailed.
    const chrome = await login(baseUrl(), account.username, CHROME_NEXT)
    const refreshed = await call(baseUrl(), '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: chrome.refreshCookie }), headers: { 'user-agent': FIREFOX } })
    expect(refreshed.status).toBe(200)

    await login(baseUrl(), account.username, FIREFOX)
    const mail = await waitForMail(mailbox(), email, NEW_SIGN_IN)
    expect(mail.text).toContain('Firefox 133 on Windows')
    expect(mail.text).toContain(account.username)
    expect(mail.text).toMatch(/Signed in with: password\n/)
    const link = linkIn(mail, '/settings')
    expect(link.hash).toBe('#sessions')
    expect(mail.text).not.toContain(TEST_PASSWORD)

    // Firefox is known now; Safari is not. The sign-ins are answered after their decision
    // was recorded, so once Safari's mail is in, any mail of the earlier ones is too.
    await login(baseUrl(), account.username, FIREFOX)
    await login(baseUrl(), account.username, SAFARI)
    await waitForMail(mailbox(), email, NEW_SIGN_IN, { skip: 1 })
    const notices = mailsTo(mailbox(), email).filter(sent => NEW_SIGN_IN.test(sent.subject))
    expect(notices.map(sent => /Firefox/.test(sent.text) ? 'firefox' : /Safari/.test(sent.text) ? 'safari' : sent.text)).toEqual(['firefox', 'safari'])
  })

  it('does not mail the registration itself', async () => {
    const email = `${uniqueName('signin')}@example.com`
    const account = await register(baseUrl(), FIREFOX, { email })
    await login(baseUrl(), account.username, SAFARI)
    await waitForMail(mailbox(), email, NEW_SIGN_IN)
    expect(mailsTo(mailbox(), email).filter(sent => NEW_SIGN_IN.test(sent.subject))).toHaveLength(1)
  })
})
