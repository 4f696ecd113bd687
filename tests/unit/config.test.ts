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
      allowedOrigins: 'https://a.example, https://b.example/path',
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

  /** The message loadServerConfig refuses `runtime` with, in `env` (NODE_ENV production unless said). */
  function refusal(runtime: Record<string, unknown>, env: Record<string, string | undefined> = {}): string {
    const before = Object.fromEntries(Object.keys({ NODE_ENV: '', ...env }).map(key => [key, process.env[key]]))
    Object.assign(process.env, { NODE_ENV: 'production', ...env })
    for (const [key, value] of Object.entries(env)) if (value === undefined) Reflect.deleteProperty(process.env, key)
    try {
      loadServerConfig(runtime)
      return ''
    }
    catch (error) {
      return describeConfigError(error)
    }
    finally {
      for (const [key, value] of Object.entries(before)) {
        if (value === undefined) Reflect.deleteProperty(process.env, key)
        else process.env[key] = value
      }
    }
  }
  const GOOD = { jwtSecret: 'x'.repeat(32), mongodbUri: 'mongodb://db.example/parley', public: { appUrl: 'https://chat.example' } }

  it('reads every yes/no setting with one parser, and names the words it knows when refusing one', () => {
    for (const word of ['yes', 'YES', 'on', 'true', '1', true, 1]) expect(loadServerConfig({ requireTwoFactor: word }).requireTwoFactor).toBe(true)
    for (const word of ['no', 'off', 'false', '0', false, 0, '']) expect(loadServerConfig({ requireTwoFactor: word }).requireTwoFactor).toBe(false)
    expect(loadServerConfig({ s3: { forcePathStyle: 'yes' } }).s3.forcePathStyle).toBe(true)
    expect(refusal({ ...GOOD, requireTwoFactor: 'sure' })).toBe('NUXT_REQUIRE_TWO_FACTOR: expected one of true, 1, yes, on, false, 0, no, off')
    expect(refusal(GOOD, { NUXT_REQUIRE_2FA: 'yes' })).toBe('')
    expect(refusal(GOOD, { NUXT_REQUIRE_2FA: 'maybe' })).toMatch(/^NUXT_REQUIRE_2FA: expected one of true, .*no, off$/)
    expect(refusal({ ...GOOD, s3: { forcePathStyle: 'path' } })).toMatch(/^NUXT_S3_FORCE_PATH_STYLE: expected one of /)
  })

  it('refuses a proxy count it cannot read (NUXT_TRUST_PROXY=one used to mean no proxy)', () => {
    expect(loadServerConfig({ trustProxy: 'yes' }).trustProxyHops).toBe(1)
    expect(loadServerConfig({ trustProxy: '2' }).trustProxyHops).toBe(2)
    expect(refusal({ ...GOOD, trustProxy: 'one' })).toMatch(/^NUXT_TRUST_PROXY: expected a number of proxies/)
  })

  it('refuses an SMTP URL that is not smtp: or smtps:, without echoing it (it holds a password)', () => {
    expect(loadServerConfig({ smtpUrl: 'smtps://mailer:pw@smtp.example.com:465' }).smtpUrl).toBe('smtps://mailer:pw@smtp.example.com:465')
    for (const bad of ['smtps//mailer:Hunter2@smtp.example.com:465', 'not a url at all', 'https://mailer:Hunter2@smtp.example.com', 'smtp://']) {
      const message = refusal({ ...GOOD, smtpUrl: bad })
      expect(message, bad).toMatch(/^NUXT_SMTP_URL: expected empty or an smtp:\/\/ or smtps:\/\/ URL/)
      expect(message).not.toContain('Hunter2')
    }
  })

  it('refuses a database connection string the driver cannot parse, naming the variable it came from, not the value', () => {
    expect(refusal({ ...GOOD, mongodbUri: 'mongodb+srv://u:p@cluster0.example.net/parley?w=majority' })).toBe('')
    expect(refusal({ ...GOOD, mongodbUri: 'mongodb://a:1,b:2/parley' })).toBe('')
    const message = refusal({ ...GOOD, mongodbUri: 'htp://u:Hunter2@nowhere' })
    expect(message).toMatch(/^NUXT_MONGODB_URI: expected a mongodb:\/\/ or mongodb\+srv:\/\/ connection string/)
    expect(message).not.toContain('Hunter2')
    expect(refusal({ ...GOOD, mongodbUri: '' }, { MONGODB_URI: 'localhost:27017' })).toMatch(/^MONGODB_URI: expected a mongodb:/)
  })

  it('refuses origins that are not origins, and in production an app URL that is not an absolute http(s) URL', () => {
    expect(refusal({ ...GOOD, allowedOrigins: 'chat.example.com,https://ok.example.com/' })).toMatch(/^NUXT_ALLOWED_ORIGINS: every comma-separated entry must be an origin/)
    expect(refusal({ ...GOOD, allowedOrigins: 'https://ok.example.com/, http://localhost:8080' })).toBe('')
    for (const bad of ['chat.example.com', 'ftp://chat.example.com', 'https://', '/chat']) {
      expect(refusal({ ...GOOD, public: { appUrl: bad } }), bad).toMatch(/^NUXT_PUBLIC_APP_URL: expected the absolute http:\/\/ or https:\/\/ URL/)
    }
  })

  it('refuses in production a JWT secret under 32 bytes once trimmed, never quoting it', () => {
    for (const bad of ['a', ' ', `  ${'s'.repeat(31)}  `]) {
      const message = refusal({ ...GOOD, jwtSecret: bad })
      expect(message).toMatch(/^NUXT_JWT_SECRET: must have at least 32 bytes/)
    }
    expect(refusal({ ...GOOD, jwtSecret: 'é'.repeat(16) })).toBe('')
    // Development keeps working with whatever it is given.
    expect(refusal({ ...GOOD, jwtSecret: 'a' }, { NODE_ENV: 'test' })).toBe('')
  })
})
