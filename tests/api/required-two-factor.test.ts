import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, call, signUp } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// NUXT_REQUIRE_2FA (docs/security.md, "Required two-factor"): an instance that requires it,
// and a person who signs up there, is held to the setup routes until a code computed here
// (as an authenticator app computes it) turns two-factor on.
const code = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate()

describe('required two-factor', () => {
  let server: RunningServer
  const url = () => server.baseUrl
  beforeAll(async () => {
    server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_REQUIRE_2FA: '1' } })
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
  })

  it('holds an account without two-factor to its setup, then lets it in once a first code turns it on', async () => {
    const person = await signUp(url(), 'req2fa')
    expect(person.auth.user).toMatchObject({ twoFactorEnabled: false, twoFactorSetupRequired: true })

    // Everything but the setup answers 403 two_factor_setup_required, the socket included.
    const chats = await api(url(), person, 'GET', '/api/chats')
    expect(chats.status).toBe(403)
    expect(chats.body).toMatchObject({ statusCode: 403, data: { code: 'two_factor_setup_required' } })
    expect((await api(url(), person, 'POST', '/api/chats', { type: 'group', name: 'Nope' })).body.data.code).toBe('two_factor_setup_required')
    expect((await api(url(), person, 'GET', '/api/users')).status).toBe(403)
    expect(await TestSocket.upgradeStatus(url(), { token: person.token })).toBe(403)
    const inBand = await TestSocket.connect(url())
    inBand.send({ type: 'auth', token: person.token })
    expect((await inBand.closed).code).toBe(4403)
    const me = await api(url(), person, 'GET', '/api/auth/me')
    expect(me.status).toBe(200)
    expect(me.body.user.twoFactorSetupRequired).toBe(true)
    expect((await api(url(), person, 'GET', '/api/auth/sessions')).status).toBe(200)

    const setup = await api(url(), person, 'POST', '/api/auth/2fa/setup')
    expect(setup.status).toBe(200)
    const enabled = await api(url(), person, 'POST', '/api/auth/2fa/enable', { code: code(setup.body.secret) })
    expect(enabled.status).toBe(200)

    // The same session works now: no new sign-in needed.
    expect((await api(url(), person, 'GET', '/api/chats')).status).toBe(200)
    expect((await api(url(), person, 'GET', '/api/auth/me')).body.user).toMatchObject({ twoFactorEnforced: true, twoFactorSetupRequired: false })
    await (await TestSocket.connect(url(), { token: person.token })).close()
    // And it cannot be turned off here.
    const off = await api(url(), person, 'POST', '/api/auth/2fa/disable', { password: person.password, code: enabled.body.recoveryCodes[0] })
    expect(off.status).toBe(403)
    expect(off.body.data.code).toBe('forbidden')
  })

  it('leaves guests alone: they cannot turn two-factor on, so it is not asked of them', async () => {
    const guest = await call(url(), '/api/auth/guest', { body: { username: `guest_${Date.now().toString(36)}` } })
    expect(guest.status).toBe(201)
    expect(guest.body.user).toMatchObject({ twoFactorEnforced: false, twoFactorSetupRequired: false })
    expect((await call(url(), '/api/chats', { token: guest.body.accessToken })).status).toBe(200)
  })
})
