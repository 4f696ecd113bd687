import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Types, type Connection } from 'mongoose'
import { api, call, signUp, type TestUser } from '../harness/api-client'
import { connectDatabase } from '../harness/db'
import { SoftPasskey } from '../harness/webauthn'

// Passkeys (server/services/accounts/passkeys.ts and passkey-login.ts, docs/security.md
// "Passkeys") against a software authenticator (tests/harness/webauthn.ts) that can get
// each checked thing wrong. The browser's own virtual authenticator is in
// tests/e2e/passkeys.spec.ts.
const baseUrl = () => inject('baseUrl')
let database: Connection

beforeAll(async () => {
  database = await connectDatabase(inject('mongoUri'))
})
afterAll(async () => {
  await database?.close()
})

async function addPasskey(user: TestUser, name = 'Laptop'): Promise<SoftPasskey> {
  const passkey = new SoftPasskey(baseUrl())
  const options = await api(baseUrl(), user, 'POST', '/api/auth/passkeys/options')
  expect(options.status).toBe(200)
  const added = await api(baseUrl(), user, 'POST', '/api/auth/passkeys', { name, credential: passkey.register(options.body) })
  expect(added.status).toBe(201)
  return passkey
}

const loginOptions = async () => (await call(baseUrl(), '/api/auth/login/passkey/options', { method: 'POST' })).body
const signInWith = (credential: unknown) => call(baseUrl(), '/api/auth/login/passkey', { body: { credential } })

/** What every refused passkey gets: the same status, code and words, whatever the cause. */
const REFUSED = { status: 401, code: 'invalid_credentials', message: 'That passkey was not accepted.' }
function expectRefused(result: Awaited<ReturnType<typeof signInWith>>) {
  expect({ status: result.status, code: result.body.data?.code, message: result.body.message }).toEqual(REFUSED)
  expect(result.response.headers.getSetCookie()).toEqual([])
}

describe('passkeys: adding, listing, renaming, removing', () => {
  it('asks for a discoverable, user-verified credential of this site, and keeps it under its name', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const options = (await api(baseUrl(), user, 'POST', '/api/auth/passkeys/options')).body
    // The relying party is NUXT_PUBLIC_APP_URL's host; the user handle is the account id.
    expect(options.rp).toEqual({ id: new URL(baseUrl()).hostname, name: 'Parley' })
    expect(Buffer.from(options.user.id, 'base64url').toString()).toBe(user.id)
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' })
    expect(options.attestation).toBe('none')

    const passkey = new SoftPasskey(baseUrl())
    const added = await api(baseUrl(), user, 'POST', '/api/auth/passkeys', { name: '  Work laptop ', credential: passkey.register(options) })
    expect(added.status).toBe(201)
    expect(added.body).toEqual({ id: passkey.id, name: 'Work laptop', createdAt: expect.any(String), lastUsedAt: null, synced: false })
    expect((await api(baseUrl(), user, 'GET', '/api/auth/passkeys')).body.items).toEqual([added.body])
    // The same authenticator is not offered again, and is not kept twice.
    const again = (await api(baseUrl(), user, 'POST', '/api/auth/passkeys/options')).body
    expect(again.excludeCredentials).toEqual([{ id: passkey.id, type: 'public-key', transports: ['internal'] }])
    const twice = await api(baseUrl(), user, 'POST', '/api/auth/passkeys', { name: 'Again', credential: passkey.register(again) })
    expect(twice.status).toBe(409)

    const renamed = await api(baseUrl(), user, 'PATCH', `/api/auth/passkeys/${passkey.id}`, { name: 'Phone' })
    expect(renamed.body).toMatchObject({ id: passkey.id, name: 'Phone' })
  })

  it('refuses a credential made for another origin or site, without user verification, or on someone else\'s challenge', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const other = await signUp(baseUrl(), 'pk')
    const register = async (tweaks: object, asker: TestUser = user) => {
      const options = (await api(baseUrl(), asker, 'POST', '/api/auth/passkeys/options')).body
      return api(baseUrl(), user, 'POST', '/api/auth/passkeys', { name: 'X', credential: new SoftPasskey(baseUrl()).register(options, tweaks) })
    }
    for (const tweaks of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { unverified: true }]) {
      const refused = await register(tweaks)
      expect(refused.status, JSON.stringify(tweaks)).toBe(403)
      expect(refused.body.data.code).toBe('invalid_credentials')
    }
    expect((await register({}, other)).body.data.code).toBe('invalid_token')
    expect((await api(baseUrl(), user, 'GET', '/api/auth/passkeys')).body.items).toEqual([])
  })

  it('is not for guests', async () => {
    const guest = await call(baseUrl(), '/api/auth/guest', { body: { username: `guest_${Date.now().toString(36)}` } })
    const refused = await api(baseUrl(), { token: guest.body.accessToken }, 'POST', '/api/auth/passkeys/options')
    expect(refused.status).toBe(403)
  })

  it('removes only your own passkey, and a removed one signs in no more', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const stranger = await signUp(baseUrl(), 'pk')
    const passkey = await addPasskey(user)
    expect((await api(baseUrl(), stranger, 'DELETE', `/api/auth/passkeys/${passkey.id}`)).status).toBe(404)
    expect((await api(baseUrl(), stranger, 'PATCH', `/api/auth/passkeys/${passkey.id}`, { name: 'Mine' })).status).toBe(404)
    expect((await signInWith(passkey.authenticate(await loginOptions()))).status).toBe(200)
    expect((await api(baseUrl(), user, 'DELETE', `/api/auth/passkeys/${passkey.id}`)).status).toBe(204)
    expect((await api(baseUrl(), user, 'GET', '/api/auth/passkeys')).body.items).toEqual([])
    expectRefused(await signInWith(passkey.authenticate(await loginOptions())))
  })
})

describe('passkeys: signing in', () => {
  it('signs in with no username, password or second factor; the session says "passkey"', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const passkey = await addPasskey(user)
    // Two-factor on: a password sign-in would ask for a code; a passkey is already two factors.
    const { secret } = (await api(baseUrl(), user, 'POST', '/api/auth/2fa/setup')).body
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate()
    expect((await api(baseUrl(), user, 'POST', '/api/auth/2fa/enable', { code })).status).toBe(200)

    const options = await loginOptions()
    expect(options.rpId).toBe(new URL(baseUrl()).hostname)
    expect(options.userVerification).toBe('required')
    // No allowCredentials: any passkey of this site may answer (the browser's autofill offer).
    expect(options.allowCredentials ?? []).toEqual([])
    const signedIn = await signInWith(passkey.authenticate(options))
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.id).toBe(user.id)
    expect(signedIn.response.headers.getSetCookie().join(';')).toContain('chat_access=')
    const me = await call(baseUrl(), '/api/auth/me', { token: signedIn.body.accessToken })
    expect(me.body.session.method).toBe('passkey')
    const [listed] = (await api(baseUrl(), user, 'GET', '/api/auth/passkeys')).body.items
    expect(listed.lastUsedAt).toEqual(expect.any(String))
  })

  it('uses each challenge once, even when two requests race with it', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const passkey = await addPasskey(user)
    const credential = passkey.authenticate(await loginOptions())
    const results = await Promise.all([signInWith(credential), signInWith(credential), signInWith(credential)])
    expect(results.map(result => result.status).sort()).toEqual([200, 400, 400])
    const replay = await signInWith(credential)
    expect(replay.status).toBe(400)
    expect(replay.body.data.code).toBe('invalid_token')
    // A challenge of one ceremony does not serve the other.
    const registration = (await api(baseUrl(), user, 'POST', '/api/auth/passkeys/options')).body
    expect((await signInWith(passkey.authenticate({ challenge: registration.challenge, rpId: registration.rp.id }))).body.data.code).toBe('invalid_token')
    expect((await signInWith(passkey.authenticate({ challenge: 'never-issued', rpId: registration.rp.id }))).body.data.code).toBe('invalid_token')
  })

  it('refuses a challenge past its 5 minutes', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const passkey = await addPasskey(user)
    const options = await loginOptions()
    // Five minutes pass (what a test cannot wait for): the stored challenge's expiry moves back.
    await database.collection('passkeychallenges').updateOne({ _id: options.challenge } as object, { $set: { expiresAt: new Date(Date.now() - 1000) } })
    const expired = await signInWith(passkey.authenticate(options))
    expect(expired.status).toBe(400)
    expect(expired.body.data.code).toBe('invalid_token')
    expect((await signInWith(passkey.authenticate(await loginOptions()))).status).toBe(200)
  })

  it('refuses alike: another origin or site, an unknown passkey, someone else\'s user handle, a counter gone back, no user verification', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const other = await signUp(baseUrl(), 'pk')
    const passkey = await addPasskey(user)
    expectRefused(await signInWith(passkey.authenticate(await loginOptions(), { origin: 'https://evil.example' })))
    expectRefused(await signInWith(passkey.authenticate(await loginOptions(), { rpId: 'evil.example' })))
    expectRefused(await signInWith(new SoftPasskey(baseUrl()).authenticate(await loginOptions(), { userHandle: Buffer.from(user.id).toString('base64url') })))
    expectRefused(await signInWith(passkey.authenticate(await loginOptions(), { userHandle: Buffer.from(other.id).toString('base64url') })))
    expectRefused(await signInWith(passkey.authenticate(await loginOptions(), { unverified: true })))
    expect((await signInWith(passkey.authenticate(await loginOptions(), { counter: 10 }))).status).toBe(200)
    // A cloned authenticator shows itself by a counter that does not grow.
    expectRefused(await signInWith(passkey.authenticate(await loginOptions(), { counter: 10 })))
    expect((await signInWith(passkey.authenticate(await loginOptions(), { counter: 11 }))).status).toBe(200)
  })

  it('refuses the passkey of a banned account and of a deleted one, like an unknown passkey', async () => {
    const banned = await signUp(baseUrl(), 'pk')
    const deleted = await signUp(baseUrl(), 'pk')
    const admin = await signUp(baseUrl(), 'pkadmin')
    await database.collection('users').updateOne({ usernameLower: admin.username.toLowerCase() }, { $set: { role: 'admin' } })
    const bannedKey = await addPasskey(banned)
    const deletedKey = await addPasskey(deleted)
    expect((await api(baseUrl(), admin, 'PATCH', `/api/admin/users/${banned.id}`, { banned: true })).status).toBe(200)
    expectRefused(await signInWith(bannedKey.authenticate(await loginOptions())))
    expect((await api(baseUrl(), deleted, 'DELETE', '/api/users/me', { password: deleted.password })).status).toBe(204)
    expectRefused(await signInWith(deletedKey.authenticate(await loginOptions())))
    // Deleting the account deleted its passkeys.
    expect(await database.collection('passkeys').countDocuments({ _id: deletedKey.id } as object)).toBe(0)
  })
})

describe('passkeys: re-authentication', () => {
  /** The session signed in 11 minutes ago (what a test cannot wait for). */
  async function ageSession(sessionId: string): Promise<void> {
    const then = new Date(Date.now() - 11 * 60 * 1000)
    await database.collection('sessions').updateOne({ _id: new Types.ObjectId(sessionId) }, { $set: { authenticatedAt: then, createdAt: then } })
  }

  it('adding or removing a passkey needs a recent sign-in, which one of the person\'s passkeys renews', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const passkey = await addPasskey(user)
    await ageSession(user.sessionId)
    for (const [method, path] of [['POST', '/api/auth/passkeys/options'], ['DELETE', `/api/auth/passkeys/${passkey.id}`]] as const) {
      const stale = await api(baseUrl(), user, method, path)
      expect(stale.status, path).toBe(403)
      expect(stale.body.data.code).toBe('reauthentication_required')
    }
    const options = (await api(baseUrl(), user, 'POST', '/api/auth/reauth/passkey/options')).body
    // Only the person's own passkeys are offered.
    expect(options.allowCredentials).toEqual([{ id: passkey.id, type: 'public-key', transports: ['internal'] }])
    // A re-authentication challenge signs nobody in.
    expect((await signInWith(passkey.authenticate(options))).body.data.code).toBe('invalid_token')
    const proof = passkey.authenticate((await api(baseUrl(), user, 'POST', '/api/auth/reauth/passkey/options')).body)
    expect((await api(baseUrl(), user, 'POST', '/api/auth/reauth/passkey', { credential: proof })).status).toBe(204)
    expect((await api(baseUrl(), user, 'DELETE', `/api/auth/passkeys/${passkey.id}`)).status).toBe(204)
  })

  it('is not renewed by someone else\'s passkey', async () => {
    const user = await signUp(baseUrl(), 'pk')
    const stranger = await signUp(baseUrl(), 'pk')
    await addPasskey(user)
    const strangersKey = await addPasskey(stranger)
    await ageSession(user.sessionId)
    const options = (await api(baseUrl(), user, 'POST', '/api/auth/reauth/passkey/options')).body
    const refused = await api(baseUrl(), user, 'POST', '/api/auth/reauth/passkey', { credential: strangersKey.authenticate(options) })
    expect(refused.status).toBe(403)
    expect(refused.body.data.code).toBe('invalid_credentials')
    expect((await api(baseUrl(), user, 'POST', '/api/auth/passkeys/options')).body.data.code).toBe('reauthentication_required')
  })
})
