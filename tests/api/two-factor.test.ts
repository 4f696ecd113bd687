import { Secret, TOTP } from 'otpauth'
import { describe, expect, inject, it } from 'vitest'
import { api, call, loginUser, signUp, uniqueName, type TestUser } from '../harness/api-client'
import { connectDatabase } from '../harness/db'
import { TestSocket } from '../harness/ws-client'

// TOTP two-factor sign-in (server/services/accounts/two-factor.ts, docs/security.md), with
// codes computed here the way an authenticator app computes them.
const baseUrl = () => inject('baseUrl')
const STEP_MS = 30_000

/** The code of the step `offset` steps from now (0: now, -1: the previous one). */
function codeAt(secret: string, offset: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offset * STEP_MS })
}

/**
 * Whether a code of the previous or next step is still "one step away" when the server
 * checks it depends on the wall clock only, not on the machine: a check started in the
 * last 10 s of a step could land in the next one, so such a test starts in a fresh step.
 */
async function atStartOfStep(): Promise<void> {
  const left = STEP_MS - (Date.now() % STEP_MS)
  if (left < 10_000) await new Promise(resolve => setTimeout(resolve, left + 50))
}

function otherThan(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0')
}

async function enrol(user: TestUser): Promise<{ secret: string, recoveryCodes: string[] }> {
  const setup = await api(baseUrl(), user, 'POST', '/api/auth/2fa/setup')
  expect(setup.status).toBe(200)
  await atStartOfStep()
  const enabled = await api(baseUrl(), user, 'POST', '/api/auth/2fa/enable', { code: codeAt(setup.body.secret, 0) })
  expect(enabled.status).toBe(200)
  return { secret: setup.body.secret, recoveryCodes: enabled.body.recoveryCodes }
}

async function passwordStep(user: TestUser): Promise<string> {
  const result = await loginUser(baseUrl(), user.username, user.password)
  expect(result.status).toBe(200)
  expect(result.body).toEqual({ twoFactorRequired: true, challenge: expect.any(String) })
  expect(result.headers.getSetCookie()).toEqual([])
  return (result.body as unknown as { challenge: string }).challenge
}

const secondStep = (challenge: string, code: string) => call(baseUrl(), '/api/auth/login/2fa', { body: { challenge, code } })

describe('two-factor authentication (TOTP)', () => {
  it('is turned on by a first code, and only then: a wrong code leaves it off', async () => {
    const user = await signUp(baseUrl(), 'tfa')
    const setup = await api(baseUrl(), user, 'POST', '/api/auth/2fa/setup')
    expect(setup.body.uri).toMatch(new RegExp(`^otpauth://totp/Parley:${user.username}\\?`))
    expect(setup.body.uri).toContain(`secret=${setup.body.secret}`)
    const wrong = await api(baseUrl(), user, 'POST', '/api/auth/2fa/enable', { code: otherThan(codeAt(setup.body.secret, 0)) })
    expect(wrong.status).toBe(403)
    expect((await api(baseUrl(), user, 'GET', '/api/auth/me')).body.user.twoFactorEnabled).toBe(false)
    expect((await loginUser(baseUrl(), user.username, user.password)).body).toHaveProperty('accessToken')

    await atStartOfStep()
    const enabled = await api(baseUrl(), user, 'POST', '/api/auth/2fa/enable', { code: codeAt(setup.body.secret, 0) })
    expect(enabled.status).toBe(200)
    expect(new Set(enabled.body.recoveryCodes).size).toBe(10)
    expect((await api(baseUrl(), user, 'GET', '/api/auth/me')).body.user.twoFactorEnabled).toBe(true)
  })

  it('asks for a code after the password; each code works once; one step of drift either way', async () => {
    const user = await signUp(baseUrl(), 'tfa')
    const { secret } = await enrol(user)
    const challenge = await passwordStep(user)
    // The challenge proves the password step only: it is no access token.
    expect((await call(baseUrl(), '/api/auth/me', { token: challenge })).status).toBe(401)
    // The current code was spent by the enrolment: a replay is refused.
    expect((await secondStep(challenge, codeAt(secret, 0))).body.data.code).toBe('invalid_credentials')
    const signedIn = await secondStep(challenge, codeAt(secret, 1))
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.username).toBe(user.username)
    expect(signedIn.response.headers.getSetCookie().join(';')).toContain('chat_access=')
    const me = await call(baseUrl(), '/api/auth/me', { token: signedIn.body.accessToken })
    expect(me.status).toBe(200)
    // The session list says how it signed in (docs/api-accounts.md "Knowing who signed in").
    expect(me.body.session.method).toBe('password+2fa')
    // A challenge signs in once.
    expect((await secondStep(challenge, codeAt(secret, -1))).status).toBe(401)

    const again = await passwordStep(user)
    expect((await secondStep(again, codeAt(secret, -2))).status).toBe(401)
    expect((await secondStep(again, codeAt(secret, 2))).status).toBe(401)
    expect((await secondStep(again, codeAt(secret, -1))).status).toBe(200)
  })

  it('takes each recovery code once', async () => {
    const user = await signUp(baseUrl(), 'tfa')
    const { recoveryCodes } = await enrol(user)
    expect((await secondStep(await passwordStep(user), recoveryCodes[3]!.toUpperCase())).status).toBe(200)
    const reused = await secondStep(await passwordStep(user), recoveryCodes[3]!)
    expect(reused.status).toBe(401)
    expect(reused.body.data.code).toBe('invalid_credentials')
    expect((await secondStep(await passwordStep(user), recoveryCodes[4]!)).status).toBe(200)
  })

  it('ends a challenge after five wrong codes and says so: the account is locked, as by five wrong passwords', async () => {
    const user = await signUp(baseUrl(), 'tfa')
    const { secret } = await enrol(user)
    const challenge = await passwordStep(user)
    const wrong = otherThan(codeAt(secret, 1))
    for (let i = 0; i < 4; i++) {
      expect((await secondStep(challenge, wrong)).body).toMatchObject({ statusCode: 401, message: 'That code is not right.', data: { code: 'invalid_credentials' } })
    }
    // The fifth ends the sign-in and locks the account: that is what it answers, not "not right".
    const lockedText = 'Too many wrong passwords or codes: this account is locked for 15 minutes. Resetting the password unlocks it now.'
    const fifth = await secondStep(challenge, wrong)
    expect(fifth.status).toBe(429)
    expect(fifth.body).toMatchObject({ message: lockedText, data: { code: 'rate_limited' } })
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(14 * 60)
    // The right code after it, and the right password, meet the same lockout, in the same words.
    const dead = await secondStep(challenge, codeAt(secret, 1))
    expect(dead.status).toBe(429)
    expect(dead.body.message).toBe(lockedText)
    const again = await loginUser(baseUrl(), user.username, user.password)
    expect(again.status).toBe(429)
    expect((again.body as unknown as { message: string }).message).toBe(lockedText)
  })

  it('is turned off with the password and a code; new recovery codes replace the old', async () => {
    const user = await signUp(baseUrl(), 'tfa')
    const { secret, recoveryCodes } = await enrol(user)
    const regenerated = await api(baseUrl(), user, 'POST', '/api/auth/2fa/recovery-codes', { code: codeAt(secret, 1) })
    expect(regenerated.status).toBe(200)
    expect(regenerated.body.recoveryCodes).toHaveLength(10)
    expect((await api(baseUrl(), user, 'POST', '/api/auth/2fa/disable', { password: user.password, code: recoveryCodes[0] })).status).toBe(403)
    expect((await api(baseUrl(), user, 'POST', '/api/auth/2fa/disable', { password: 'not the password', code: regenerated.body.recoveryCodes[0] })).status).toBe(403)
    expect((await api(baseUrl(), user, 'POST', '/api/auth/2fa/disable', { password: user.password, code: regenerated.body.recoveryCodes[1] })).status).toBe(204)
    const login = await loginUser(baseUrl(), user.username, user.password)
    expect(login.body).toHaveProperty('accessToken')
    expect(login.body.user.twoFactorEnabled).toBe(false)
  })

  it('tells the person\'s other devices when it is turned on or off (user.updated), so their settings follow', async () => {
    const user = await signUp(baseUrl(), 'tfa')
    // The phone: another session of the same person, its socket open.
    const phone = await loginUser(baseUrl(), user.username, user.password)
    const socket = await TestSocket.connect(baseUrl(), { token: phone.body.accessToken })
    try {
      // The frame is the public user (as for every `user.updated`): the app reads /api/auth/me on it.
      const isOwnUpdate = (frame: { type: string, user?: unknown }) => frame.type === 'user.updated' && (frame.user as { id: string }).id === user.id
      const phoneSees = async () => (await call(baseUrl(), '/api/auth/me', { token: phone.body.accessToken })).body.user.twoFactorEnabled
      const { recoveryCodes } = await enrol(user)
      await socket.waitFor(isOwnUpdate)
      expect(await phoneSees()).toBe(true)
      expect((await api(baseUrl(), user, 'POST', '/api/auth/2fa/disable', { password: user.password, code: recoveryCodes[0] })).status).toBe(204)
      await socket.waitForCount(isOwnUpdate, 2)
      expect(await phoneSees()).toBe(false)
    }
    finally {
      await socket.close()
    }
  })

  it('keeps the secret sealed in the database, and seals one stored before that at its next sign-in', async () => {
    const user = await signUp(baseUrl(), 'tfa')
    const { secret } = await enrol(user)
    const db = await connectDatabase(inject('mongoUri'))
    try {
      const twoFactor = db.collection<{ _id: string, secret: string }>('twofactors')
      const stored = (await twoFactor.findOne({ _id: user.id }))!.secret
      expect(stored).toMatch(/^v1:/)
      expect(stored).not.toContain(secret)
      // An account enrolled before sealing began: its plain secret still checks codes.
      await twoFactor.updateOne({ _id: user.id }, { $set: { secret } })
      expect((await secondStep(await passwordStep(user), codeAt(secret, 1))).status).toBe(200)
      expect((await twoFactor.findOne({ _id: user.id }))!.secret).toMatch(/^v1:/)
    }
    finally {
      await db.close()
    }
  })

  it('is not for guests, and answers bad input with validation_failed', async () => {
    const guest = await call(baseUrl(), '/api/auth/guest', { body: { username: uniqueName('g') } })
    const setup = await api(baseUrl(), { token: guest.body.accessToken }, 'POST', '/api/auth/2fa/setup')
    expect(setup.status).toBe(403)
    expect((await call(baseUrl(), '/api/auth/login/2fa', { body: { challenge: 'x', code: 12 } })).status).toBe(400)
    expect((await call(baseUrl(), '/api/auth/login/2fa', { body: { challenge: 'no-such-challenge', code: '123456' } })).body.data.code).toBe('invalid_token')
  })
})
