import mongoose, { type Connection } from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Me } from '#shared/types/api'
import { startDatabase, startServer, type RunningDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import { startSmtpSink, type SmtpSink } from '../../scripts/lib/smtp-sink.mjs'
import { call, loginUser, signUp, uniqueName } from '../harness/api-client'
import { connectDatabase } from '../harness/db'
import { linkIn, mailsTo, waitForMail } from '../harness/mailbox'

// A real SMTP server on loopback and an instance of Parley that mails through it.
let database: RunningDatabase
let server: RunningServer
let smtp: SmtpSink
let db: Connection
const url = () => server.baseUrl
const MAIL_FROM = 'Parley Test <robot@parley.test>'

beforeAll(async () => {
  database = await startDatabase()
  smtp = await startSmtpSink()
  server = await startServer({ mongoUri: database.uri, env: { NUXT_SMTP_URL: smtp.url, NUXT_MAIL_FROM: MAIL_FROM } })
  db = await connectDatabase(database.uri)
}, 120_000)

afterAll(async () => {
  await db?.close()
  await server?.stop()
  await smtp?.stop()
  await database?.stop()
})

const me = async (token: string) => (await call<{ user: Me }>(url(), '/api/auth/me', { token })).body.user
const newEmail = () => `${uniqueName('mail')}@example.com`

describe('email verification', () => {
  it('mails a link on registration that verifies the address once', async () => {
    const email = newEmail()
    const account = await signUp(url(), { email })
    const mail = await waitForMail(smtp, email, /confirm/i)
    expect(mail.from).toContain('robot@parley.test')
    const link = linkIn(mail, '/verify-email')
    expect(link.origin).toBe(url())
    const token = link.searchParams.get('token')!
    expect(token.length).toBeGreaterThan(20)
    // The mail is about the link, never a password.
    expect(mail.text).not.toContain(account.password)

    expect((await me(account.token)).emailVerified).toBe(false)
    const verified = await call(url(), '/api/auth/email/verify', { body: { token } })
    expect(verified.status).toBe(204)
    expect((await me(account.token)).emailVerified).toBe(true)

    const again = await call(url(), '/api/auth/email/verify', { body: { token } })
    expect(again.status).toBe(400)
    expect(again.body).toMatchObject({ data: { code: 'invalid_token' } })
  })

  it('refuses unknown tokens with 400 invalid_token and bad bodies with 400 validation_failed', async () => {
    const unknown = await call(url(), '/api/auth/email/verify', { body: { token: 'x'.repeat(43) } })
    expect(unknown.status).toBe(400)
    expect(unknown.body).toMatchObject({ data: { code: 'invalid_token' } })
    for (const body of [{}, { token: { $ne: '' } }, { token: 'x', extra: 1 }, { token: 42 }]) {
      const result = await call(url(), '/api/auth/email/verify', { body })
      expect(result.status).toBe(400)
      expect(result.body).toMatchObject({ data: { code: 'validation_failed' } })
    }
  })

  it('resends at most once per 60 s (429 with Retry-After), and the new link works', async () => {
    const email = newEmail()
    const account = await signUp(url(), { email })
    await waitForMail(smtp, email, /confirm/i)
    const first = await call(url(), '/api/auth/email/resend', { method: 'POST', token: account.token })
    expect(first.status).toBe(202)
    const second = await call(url(), '/api/auth/email/resend', { method: 'POST', token: account.token })
    expect(second.status).toBe(429)
    expect(second.body).toMatchObject({ data: { code: 'rate_limited' } })
    const retryAfter = Number(second.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)

    const resent = await waitForMail(smtp, email, /confirm/i, { skip: 1 })
    const token = linkIn(resent, '/verify-email').searchParams.get('token')!
    expect((await call(url(), '/api/auth/email/verify', { body: { token } })).status).toBe(204)
    expect((await me(account.token)).emailVerified).toBe(true)
  })

  it('sends nothing for an account without email or already verified (still 202)', async () => {
    const account = await signUp(url())
    expect((await call(url(), '/api/auth/email/resend', { method: 'POST', token: account.token })).status).toBe(202)
  })

  it('verifies a changed email with a link sent to the new address; the old link no longer applies', async () => {
    const oldEmail = newEmail()
    const account = await signUp(url(), { email: oldEmail })
    const oldLink = linkIn(await waitForMail(smtp, oldEmail, /confirm/i), '/verify-email')
    const freshEmail = newEmail()
    const changed = await call<Me>(url(), '/api/users/me', { method: 'PATCH', token: account.token, body: { email: freshEmail } })
    expect(changed.body).toMatchObject({ email: freshEmail, emailVerified: false })
    const stale = await call(url(), '/api/auth/email/verify', { body: { token: oldLink.searchParams.get('token') } })
    expect(stale.status).toBe(400)
    const freshLink = linkIn(await waitForMail(smtp, freshEmail, /confirm/i), '/verify-email')
    expect((await call(url(), '/api/auth/email/verify', { body: { token: freshLink.searchParams.get('token') } })).status).toBe(204)
    expect((await me(account.token)).emailVerified).toBe(true)
  })
})

describe('password reset', () => {
  it('always answers 202, mailing only an existing account', async () => {
    const nobody = newEmail()
    const result = await call(url(), '/api/auth/password/forgot', { body: { email: nobody } })
    expect(result.status).toBe(202)
    const notAnEmail = await call(url(), '/api/auth/password/forgot', { body: { email: 'not an email' } })
    expect(notAnEmail.status).toBe(202)
    // Whether to mail is settled before the 202: once a mail asked for later has arrived,
    // one for `nobody` would be there too (a sleep would only guess how long mailing takes).
    const someone = await signUp(url(), { email: newEmail() })
    await waitForMail(smtp, someone.email!, /confirm/i)
    expect(mailsTo(smtp, nobody)).toEqual([])
  })

  it('refuses a body whose email is not a string with 400', async () => {
    for (const body of [{ email: 42 }, { email: { $gt: '' } }, { email: ['a@b.c'] }, {}, { email: 'a@b.c', extra: 1 }]) {
      const result = await call(url(), '/api/auth/password/forgot', { body })
      expect(result.status).toBe(400)
      expect(result.body).toMatchObject({ data: { code: 'validation_failed' } })
    }
  })

  it('mails a single-use link that sets the password and revokes every session', async () => {
    const email = newEmail()
    const account = await signUp(url(), { email })
    const other = await loginUser(url(), account.username, account.password)
    expect((await call(url(), '/api/auth/password/forgot', { body: { email: email.toUpperCase() } })).status).toBe(202)
    const mail = await waitForMail(smtp, email, /reset/i)
    const link = linkIn(mail, '/reset-password')
    expect(link.origin).toBe(url())
    const token = link.searchParams.get('token')!

    const weak = await call(url(), '/api/auth/password/reset', { body: { token, password: 'short' } })
    expect(weak.status).toBe(400)
    const reset = await call(url(), '/api/auth/password/reset', { body: { token, password: 'a fresh new password' } })
    expect(reset.status).toBe(204)
    expect((await call(url(), '/api/auth/me', { token: account.token })).status).toBe(401)
    expect((await call(url(), '/api/auth/me', { token: other.body.accessToken })).status).toBe(401)
    expect((await loginUser(url(), account.username, account.password)).status).toBe(401)
    expect((await loginUser(url(), email, 'a fresh new password')).status).toBe(200)

    const reused = await call(url(), '/api/auth/password/reset', { body: { token, password: 'another password' } })
    expect(reused.status).toBe(400)
    expect(reused.body).toMatchObject({ data: { code: 'invalid_token' } })
  })

  it('refuses an expired link with 400 invalid_token', async () => {
    const email = newEmail()
    const account = await signUp(url(), { email })
    await call(url(), '/api/auth/password/forgot', { body: { email } })
    const token = linkIn(await waitForMail(smtp, email, /reset/i), '/reset-password').searchParams.get('token')!
    // An hour passes (the stored expiry is what counts).
    await db.collection('accounttokens').updateMany({ purpose: 'reset-password', userId: new mongoose.Types.ObjectId(account.auth.user.id) }, { $set: { expiresAt: new Date(Date.now() - 1000) } })
    const result = await call(url(), '/api/auth/password/reset', { body: { token, password: 'a fresh new password' } })
    expect(result.status).toBe(400)
    expect(result.body).toMatchObject({ data: { code: 'invalid_token' } })
    expect((await loginUser(url(), account.username, account.password)).status).toBe(200)
  })

  it('refuses unknown tokens and bad bodies', async () => {
    expect((await call(url(), '/api/auth/password/reset', { body: { token: 'y'.repeat(43), password: 'long enough pw' } })).body).toMatchObject({ data: { code: 'invalid_token' } })
    for (const body of [{ token: { $ne: '' }, password: 'long enough pw' }, { token: 'y', password: 'long enough pw', extra: 1 }, { password: 'long enough pw' }]) {
      expect((await call(url(), '/api/auth/password/reset', { body })).status).toBe(400)
    }
  })
})
