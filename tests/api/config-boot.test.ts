import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { waitForLogLine, type LogEntry } from '../harness/shutdown'

// README: "a bad value stops the boot, naming the variable". Each setting below used to boot
// a server that looked healthy and was broken (docs/deploy.md, "Settings checked at start"):
// a mistyped SMTP URL printed its password on every mail, an app URL without a scheme made
// every sign-up 403, a one-letter JWT secret signed tokens. Values that hold a password are
// named, never quoted.

const PASSWORD = 'Hunter2-Pass'

const BAD_SETTINGS: { variable: string, env?: Record<string, string>, mongoUri?: string, secret?: string }[] = [
  { variable: 'NUXT_SMTP_URL', env: { NUXT_SMTP_URL: `smtps//mailer:${PASSWORD}@smtp.example.com:465` }, secret: PASSWORD },
  { variable: 'NUXT_SMTP_URL', env: { NUXT_SMTP_URL: `https://mailer:${PASSWORD}@smtp.example.com` }, secret: PASSWORD },
  { variable: 'NUXT_PUBLIC_APP_URL', env: { NUXT_PUBLIC_APP_URL: 'chat.example.com' } },
  { variable: 'NUXT_ALLOWED_ORIGINS', env: { NUXT_ALLOWED_ORIGINS: 'chat.example.com,https://ok.example.com/' } },
  { variable: 'NUXT_JWT_SECRET', env: { NUXT_JWT_SECRET: `short-${PASSWORD}` }, secret: PASSWORD },
  { variable: 'NUXT_JWT_SECRET', env: { NUXT_JWT_SECRET: ' ' } },
  { variable: 'NUXT_MONGODB_URI', mongoUri: `htp://parley:${PASSWORD}@nowhere/parley`, secret: PASSWORD },
  { variable: 'NUXT_TRUST_PROXY', env: { NUXT_TRUST_PROXY: 'one' } },
  { variable: 'NUXT_REQUIRE_2FA', env: { NUXT_REQUIRE_2FA: 'maybe' } },
]

/** Starts the built server with one bad setting; its exit code and everything it wrote. */
async function boot(setting: typeof BAD_SETTINGS[number]) {
  const server = await startServer({ mongoUri: setting.mongoUri ?? inject('mongoUri'), env: setting.env ?? {}, waitHealthy: false })
  // A server that did boot is stopped, so the test fails on the exit code instead of hanging.
  const timer = setTimeout(() => server.stop('SIGKILL'), 30_000)
  const { code } = await server.exited as { code: number | null }
  clearTimeout(timer)
  return { code, logs: server.logs() }
}

describe('a bad setting stops the boot', () => {
  it.each(BAD_SETTINGS.map(setting => [`${setting.variable}=${JSON.stringify(setting.mongoUri ?? Object.values(setting.env ?? {})[0])}`, setting] as const))('%s', async (_, setting) => {
    const { code, logs } = await boot(setting)
    expect(code, logs).not.toBe(0)
    expect(code, logs).not.toBeNull()
    expect(logs).toMatch(new RegExp(`\\[parley\\] Refusing to start: (.*; )?${setting.variable}: `))
    if (setting.secret) expect(logs).not.toContain(setting.secret)
  })

  it('names the yes/no words NUXT_REQUIRE_2FA takes', async () => {
    const { logs } = await boot({ variable: 'NUXT_REQUIRE_2FA', env: { NUXT_REQUIRE_2FA: 'maybe' } })
    expect(logs).toContain('NUXT_REQUIRE_2FA: expected one of true, 1, yes, on, false, 0, no, off')
  })
})

describe('a request refused for its Origin', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_ALLOWED_ORIGINS: 'https://ok.example.com' } })
  })
  afterAll(() => server?.stop())

  it('is logged once with the refused origin and the allowed ones, so a mismatched app URL can be found', async () => {
    const login = () => fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'origin': 'https://chat.example.com' },
      body: JSON.stringify({ login: 'nobody', password: 'whatever-it-is' }),
    })
    expect((await login()).status).toBe(403)
    expect((await login()).status).toBe(403)
    const refused = (entry: LogEntry) => entry.level === 'warn' && entry.origin === 'https://chat.example.com'
    const line = await waitForLogLine(server, refused)
    expect(line.allowed).toBe(`${server.appUrl}, https://ok.example.com`)
    expect(line.msg).toMatch(/NUXT_PUBLIC_APP_URL/)
    // Once both refusals are in the request log, the warn has come once, not twice.
    const lines = () => server.logs().split('\n')
    await expect.poll(() => lines().filter(text => text.includes('"route":"/api/auth/login"') && text.includes('"status":403')).length).toBe(2)
    expect(lines().filter(text => text.includes('"origin":"https://chat.example.com"'))).toHaveLength(1)
  })
})
