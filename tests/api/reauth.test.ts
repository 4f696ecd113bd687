import { Types, type Connection } from 'mongoose'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { api, call, cookieHeader, loginUser, signUp, uniqueName, type TestUser } from '../harness/api-client'
import { connectDatabase } from '../harness/db'

// Re-authentication before sensitive changes (server/services/accounts/reauth.ts,
// docs/security.md). The clock is not waited on: a session "signed in 11 minutes ago" is
// one whose sign-in time the test moves back in the database, past the 10-minute default.
const baseUrl = () => inject('baseUrl')
const ELEVEN_MINUTES_MS = 11 * 60 * 1000
let db: Connection

beforeAll(async () => {
  db = await connectDatabase(inject('mongoUri'))
})
afterAll(async () => {
  await db?.close()
})

/** The session signed in (or last re-authenticated) `ageMs` ago. */
async function ageSession(sessionId: string, ageMs = ELEVEN_MINUTES_MS): Promise<void> {
  const then = new Date(Date.now() - ageMs)
  const { matchedCount } = await db.collection('sessions').updateOne({ _id: new Types.ObjectId(sessionId) }, { $set: { authenticatedAt: then, createdAt: then } })
  expect(matchedCount).toBe(1)
}

const changeEmail = (user: TestUser, email = `${uniqueName('mail')}@example.test`) => api(baseUrl(), user, 'PATCH', '/api/users/me', { email })
const reauth = (user: TestUser, body: Record<string, unknown>) => api(baseUrl(), user, 'POST', '/api/auth/reauth', body)
const code = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate()

describe('re-authentication', () => {
  it('lets a fresh sign-in change the email, and asks a session signed in 11 minutes ago to prove it again', async () => {
    const user = await signUp(baseUrl(), 'fresh')
    expect((await changeEmail(user)).status).toBe(200)

    await ageSession(user.sessionId)
    const stale = await changeEmail(user)
    expect(stale.status).toBe(403)
    expect(stale.body).toMatchObject({ statusCode: 403, data: { code: 'reauthentication_required' } })
    // Only the email is sensitive: the rest of the profile still changes.
    expect((await api(baseUrl(), user, 'PATCH', '/api/users/me', { displayName: 'Still me' })).status).toBe(200)

    // A refresh renews the token, not the proof.
    const refreshed = await call(baseUrl(), '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: user.refreshCookie }) })
    expect(refreshed.status).toBe(200)
    expect((await changeEmail({ ...user, token: refreshed.body.accessToken })).body.data.code).toBe('reauthentication_required')

    const wrong = await reauth(user, { password: 'not the password' })
    expect(wrong.status).toBe(403)
    expect(wrong.body.data.code).toBe('invalid_credentials')
    expect((await reauth(user, { password: user.password })).status).toBe(204)
    const changed = await changeEmail(user)
    expect(changed.status).toBe(200)
  })

  it('asks an account with two-factor on for a code as well as the password', async () => {
    const user = await signUp(baseUrl(), 'tfa_re')
    const setup = await api(baseUrl(), user, 'POST', '/api/auth/2fa/setup')
    const enabled = await api(baseUrl(), user, 'POST', '/api/auth/2fa/enable', { code: code(setup.body.secret) })
    expect(enabled.status).toBe(200)
    await ageSession(user.sessionId)

    const passwordOnly = await reauth(user, { password: user.password })
    expect(passwordOnly.status).toBe(400)
    expect(passwordOnly.body.data.issues[0].path).toEqual(['code'])
    const wrongCode = await reauth(user, { password: user.password, code: String((Number(code(setup.body.secret)) + 1) % 1_000_000).padStart(6, '0') })
    expect(wrongCode.status).toBe(403)
    expect((await changeEmail(user)).body.data.code).toBe('reauthentication_required')
    // A recovery code is a second factor too (the current step's code was spent enabling).
    expect((await reauth(user, { password: user.password, code: enabled.body.recoveryCodes[0] })).status).toBe(204)
    expect((await changeEmail(user)).status).toBe(200)
  })

  it('counts wrong passwords like failed logins: the fifth locks the account, sign-in included, and says so', async () => {
    const user = await signUp(baseUrl(), 'lock_re')
    for (let attempt = 0; attempt < 4; attempt++) {
      expect((await reauth(user, { password: `wrong ${attempt}` })).status).toBe(403)
    }
    // The wrong password that locks the account answers the lockout, as at sign-in.
    const fifth = await reauth(user, { password: 'wrong 4' })
    expect(fifth.status).toBe(429)
    expect(fifth.body).toMatchObject({ message: 'Too many wrong passwords or codes: this account is locked for 15 minutes. Resetting the password unlocks it now.', data: { code: 'rate_limited' } })
    const locked = await reauth(user, { password: user.password })
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBeTruthy()
    expect((await loginUser(baseUrl(), user.username, user.password)).status).toBe(429)
  })

  it('takes the password that changes the password or deletes the account as the proof (no second prompt)', async () => {
    const user = await signUp(baseUrl(), 'pw_re')
    await ageSession(user.sessionId)
    const wrong = await api(baseUrl(), user, 'PUT', '/api/auth/password', { currentPassword: 'not it', newPassword: 'another good password' })
    expect(wrong.status).toBe(403)
    expect(wrong.body.data.code).toBe('invalid_credentials')
    expect((await api(baseUrl(), user, 'PUT', '/api/auth/password', { currentPassword: user.password, newPassword: 'another good password' })).status).toBe(204)
    // That right password was a fresh proof: the email may change now.
    expect((await changeEmail(user)).status).toBe(200)

    const leaving = await signUp(baseUrl(), 'del_re')
    await ageSession(leaving.sessionId)
    expect((await api(baseUrl(), leaving, 'DELETE', '/api/users/me', { password: leaving.password })).status).toBe(204)
  })
})
