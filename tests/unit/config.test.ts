import { afterAll, describe, expect, it } from 'vitest'
import { describeConfigError, loadServerConfig } from '../../server/utils/config'

// The server's one configuration module: runtime config in (as Nitro builds it from the
// NUXT_* variables, strings and numbers alike), one validated, typed object out.

afterAll(() => {
  loadServerConfig()
})

describe('the server configuration', () => {
  it('takes the defaults for keys that are unset or empty', () => {
    const config = loadServerConfig({ limits: { sendRate: '' }, timings: {} })
    expect(config.limits.sendRate).toBe(10)
    expect(config.limits.sendBurst).toBe(30)
    expect(config.timings).toMatchObject({ refreshGraceMs: 10_000, typingTtlMs: 5_000, wsAuthTimeoutMs: 10_000, wsPingMs: 30_000, wsSilenceMs: 60_000, instanceAliveMs: 30_000 })
    expect(config.channelCreators).toBe('users')
    expect(config.log.level).toBe('info')
  })

  it('requires two-factor only when told, by NUXT_REQUIRE_TWO_FACTOR or its short name NUXT_REQUIRE_2FA', () => {
    expect(loadServerConfig({}).requireTwoFactor).toBe(false)
    expect(loadServerConfig({}).timings.reauthWindowMs).toBe(10 * 60 * 1000)
    expect(loadServerConfig({ requireTwoFactor: 'true' }).requireTwoFactor).toBe(true)
    const before = process.env.NUXT_REQUIRE_2FA
    try {
      process.env.NUXT_REQUIRE_2FA = '1'
      expect(loadServerConfig({}).requireTwoFactor).toBe(true)
      process.env.NUXT_REQUIRE_2FA = 'maybe'
      expect(() => loadServerConfig({})).toThrow()
      try {
        loadServerConfig({})
      }
      catch (error) {
        expect(describeConfigError(error)).toMatch(/^NUXT_REQUIRE_2FA: /)
      }
    }
    finally {
      if (before === undefined) delete process.env.NUXT_REQUIRE_2FA
      else process.env.NUXT_REQUIRE_2FA = before
    }
  })

  it('reads numbers given as text, origins as a list and the proxy count', () => {
    const config = loadServerConfig({
      limits: { sendRate: '100000' },
      timings: { instanceAliveMs: 300 },
      allowedOrigins: 'https://a.example, nonsense,https://b.example/path',
      trustProxy: true,
      channelCreators: 'ADMINS',
      jwtSecret: 123456,
      public: { appUrl: 'https://chat.example/' },
    })
    expect(config.limits.sendRate).toBe(100_000)
    expect(config.timings.instanceAliveMs).toBe(300)
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example'])
    expect(config.trustProxyHops).toBe(1)
    expect(config.channelCreators).toBe('admins')
    expect(config.jwtSecret).toBe('123456')
    expect(config.appOrigin).toBe('https://chat.example')
    // Passkeys: the relying party is the app URL's host, the only origin its origin.
    expect(config.webAuthn).toEqual({ rpId: 'chat.example', rpName: 'Parley', origin: 'https://chat.example' })
    expect(config.secureCookies).toBe(true)
  })

  it('refuses a bad value, naming the variable', () => {
    let failure: unknown
    try {
      loadServerConfig({ limits: { sendBurst: 'many' }, log: { level: 'loud' } })
    }
    catch (error) {
      failure = error
    }
    const text = describeConfigError(failure)
    expect(text).toContain('NUXT_LIMITS_SEND_BURST')
    expect(text).toContain('NUXT_LOG_LEVEL')
  })
})
