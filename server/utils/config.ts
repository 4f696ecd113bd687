import { createECDH, hkdfSync, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { isMongoUri, runtimeSchema, yesNoSetting, type AttachmentSettings, type S3Settings, type ServerLimits, type ServerTimings } from './config-schema'

// The server's one configuration module and the only code in server/ that reads the
// environment. Every setting is a runtime-config key (nuxt.config.ts), so Nitro maps
// NUXT_<KEY> onto it: `limits.sendRate` is NUXT_LIMITS_SEND_RATE, `timings.typingTtlMs`
// is NUXT_TIMINGS_TYPING_TTL_MS (README.md, Configuration, lists every one).
// server/plugins/00.config.ts validates it once at start (loadServerConfig) and refuses
// to boot on a bad value. Code outside Nitro (the service and unit tests) gets the
// defaults, or whatever it hands to loadServerConfig. The settings' shape and defaults are
// declared in ./config-schema.ts.

export interface ServerConfig {
  /** NODE_ENV is `production` (the built server the tests start sets it too). */
  production: boolean
  /** package.json's version and the commit built, when known (nuxt.config.ts). */
  build: { version: string, commit: string }
  mongodbUri: string
  jwtSecret: string
  redisUrl: string
  smtpUrl: string
  mailFrom: string
  appUrl: string
  appOrigin: string
  /** Extra origins allowed for cookie-authenticated requests and WebSockets. */
  allowedOrigins: string[]
  /**
   * Passkeys' relying party (docs/security.md, "Passkeys"): the app URL's host name is the
   * RP id, and its origin the only origin a passkey ceremony may come from.
   */
  webAuthn: { rpId: string, rpName: string, origin: string }
  /** Cookies get `Secure` when the app is served over HTTPS. */
  secureCookies: boolean
  channelCreators: 'users' | 'admins'
  /** NUXT_GUESTS: whether "Continue as guest" is allowed (docs/api-accounts.md, "Who may come in"). */
  guests: boolean
  /** NUXT_SIGNUPS: `closed` lets only the first account (the admin) register. */
  signups: 'open' | 'closed'
  /** NUXT_ADMIN_USERNAMES: promoted to admin at boot (plugins/05.accounts.ts). */
  adminUsernames: string[]
  /** Reverse proxies in front that append to `X-Forwarded-For` (NUXT_TRUST_PROXY). */
  trustProxyHops: number
  allowInsecureBoot: boolean
  /** NUXT_REQUIRE_TWO_FACTOR (or NUXT_REQUIRE_2FA): accounts without two-factor may only set it up. */
  requireTwoFactor: boolean
  /** As configured; empty keys mean "generate once under .data/" (vapidKeys()). */
  vapid: { publicKey: string, privateKey: string, subject: string }
  log: { format: 'json' | 'text', level: 'debug' | 'info' | 'warn' | 'error' }
  limits: ServerLimits
  timings: ServerTimings
  attachments: AttachmentSettings
  s3: S3Settings
  /**
   * Test-only fault point (utils/resilience.ts faultPoint): honoured only when the server
   * runs under vitest (VITEST is set), never in a deployment, whatever the variables say.
   */
  faultPoint: { stopAt: string[], clientIdPrefix: string } | null
  /**
   * Test-only: push subscriptions may name an http: endpoint (the local push service of
   * tests/api/push.test.ts). Honoured only under vitest, never in a deployment.
   */
  pushHttpEndpoints: boolean
}

/** The runtime config's shape as far as the server reads it; every key optional. */
export type RuntimeConfigInput = Record<string, unknown>

let current: ServerConfig | undefined

function commaList(value: string): string[] {
  return value.split(',').map(item => item.trim()).filter(Boolean)
}

/**
 * Validates the runtime config (useRuntimeConfig() in Nitro) and makes it the server's
 * configuration. Throws a ZodError naming the bad keys.
 */
export function loadServerConfig(runtime: RuntimeConfigInput = {}): ServerConfig {
  const parsed = runtimeSchema.parse(runtime)
  const require2fa = yesNoSetting.safeParse(process.env.NUXT_REQUIRE_2FA)
  if (!require2fa.success) throw new z.ZodError(require2fa.error.issues.map(issue => ({ ...issue, path: ['require_2fa'] })))
  const production = process.env.NODE_ENV === 'production'
  const appUrl = parsed.public.appUrl.replace(/\/+$/, '')
  // Plain MONGODB_URI is documented as working too.
  const mongodbUri = parsed.mongodbUri || process.env.MONGODB_URI || ''
  const allowedOrigins = parsed.allowedOrigins.split(',').map(origin => origin.trim()).filter(Boolean)
  const issues = [
    ...mongoUriIssues(mongodbUri, parsed.mongodbUri ? ['mongodbUri'] : ['MONGODB_URI']),
    ...(allowedOrigins.some(origin => !webOrigin(origin)) ? [issue(['allowedOrigins'], 'every comma-separated entry must be an origin such as https://chat.example.com')] : []),
    ...(production ? productionIssues(appUrl, parsed.jwtSecret) : []),
  ]
  if (issues.length > 0) throw new z.ZodError(issues)
  // Outside production an app URL that is no web origin still falls back to the development one.
  const appOrigin = webOrigin(appUrl) ?? 'http://localhost:3000'
  current = {
    production,
    build: parsed.build,
    mongodbUri,
    jwtSecret: parsed.jwtSecret,
    redisUrl: parsed.redisUrl,
    smtpUrl: parsed.smtpUrl,
    mailFrom: parsed.mailFrom,
    appUrl,
    appOrigin,
    allowedOrigins: allowedOrigins.map(origin => webOrigin(origin)!),
    webAuthn: { rpId: new URL(appOrigin).hostname, rpName: 'Parley', origin: appOrigin },
    secureCookies: appUrl.startsWith('https://'),
    channelCreators: parsed.channelCreators,
    guests: parsed.guests,
    signups: parsed.signups,
    adminUsernames: commaList(parsed.adminUsernames),
    trustProxyHops: parsed.trustProxy,
    allowInsecureBoot: parsed.allowInsecureBoot,
    // NUXT_REQUIRE_2FA is the documented short name (Nitro would spell the key's variable NUXT_REQUIRE2FA).
    requireTwoFactor: parsed.requireTwoFactor || require2fa.data,
    vapid: parsed.vapid,
    log: { format: parsed.log.format ?? (production ? 'json' : 'text'), level: parsed.log.level },
    limits: parsed.limits,
    timings: parsed.timings,
    attachments: parsed.attachments,
    s3: parsed.s3,
    faultPoint: process.env.VITEST && process.env.PARLEY_TEST_STOP_AT && process.env.PARLEY_TEST_STOP_CLIENT_ID
      ? { stopAt: process.env.PARLEY_TEST_STOP_AT.split(','), clientIdPrefix: process.env.PARLEY_TEST_STOP_CLIENT_ID }
      : null,
    pushHttpEndpoints: !!process.env.VITEST && process.env.PARLEY_TEST_PUSH_HTTP_ENDPOINTS === '1',
  }
  return current
}

/** The bytes a production NUXT_JWT_SECRET must have: it signs every token and seals two-factor secrets. */
export const MIN_JWT_SECRET_BYTES = 32

function issue(path: string[], message: string): z.core.$ZodIssue {
  return { code: 'custom', path, message, input: undefined }
}

/** A connection string the driver cannot parse can never connect: the boot stops (its value, which holds a password, unsaid). */
function mongoUriIssues(uri: string, path: string[]): z.core.$ZodIssue[] {
  return uri && !isMongoUri(uri) ? [issue(path, 'expected a mongodb:// or mongodb+srv:// connection string (the value is not shown: it may hold a password)')] : []
}

/**
 * What production never guesses: an app URL that is no web origin used to become
 * http://localhost:3000, so every browser request was refused 403 forbidden_origin; a short
 * JWT secret can be found offline from any token. (A missing secret is
 * server/plugins/00.config.ts's message.)
 */
function productionIssues(appUrl: string, jwtSecret: string): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = []
  if (!webOrigin(appUrl)) issues.push(issue(['public', 'appUrl'], 'expected the absolute http:// or https:// URL people open, such as https://chat.example.com'))
  const secretBytes = Buffer.byteLength(jwtSecret.trim())
  if (jwtSecret && secretBytes < MIN_JWT_SECRET_BYTES) issues.push(issue(['jwtSecret'], `must have at least ${MIN_JWT_SECRET_BYTES} bytes (generate one with: openssl rand -base64 48)`))
  return issues
}

/** The configuration loaded at start; outside Nitro (tests) the defaults until a test loads its own. */
export function serverConfig(): ServerConfig {
  return current ?? loadServerConfig()
}

/** One line per bad key, named as the environment variable that sets it. */
export function describeConfigError(error: unknown): string {
  if (!(error instanceof z.ZodError)) return String(error)
  return error.issues.map((issue) => {
    const path = issue.path.map(String)
    // A variable outside Nitro's NUXT_ mapping (plain MONGODB_URI) is named as it is.
    if (path.length === 1 && /^[A-Z0-9_]+$/.test(path[0]!)) return `${path[0]}: ${issue.message}`
    const name = `NUXT_${path.map(part => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2')).join('_').toUpperCase()}`
    return `${name}: ${issue.message}`
  }).join('; ')
}

/** `http(s)://host[:port]` of an http or https URL with a host name, or null when it is not one. */
export function webOrigin(url: string): string | null {
  const origin = originOf(url)
  return origin && /^https?:\/\/[^/]+$/.test(origin) ? origin : null
}

/** `scheme://host[:port]` of a URL, or null when it is not one. */
export function originOf(url: string): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url)
    return parsed.origin === 'null' ? null : parsed.origin
  }
  catch {
    return null
  }
}

/**
 * Nitro's own shutdown variables (NITRO_SHUTDOWN_*), which it reads after the plugins
 * have run: whether the graceful shutdown is on, and on which signals. Unless the
 * operator set one, Nitro waits 4 s for in-flight requests (then as long again for the
 * `close` hook), which keeps a stop under 10 s.
 */
export function nitroShutdownSettings(): { disabled: boolean, signals: NodeJS.Signals[] } {
  process.env.NITRO_SHUTDOWN_TIMEOUT ||= '4000'
  return {
    disabled: Boolean(process.env.NITRO_SHUTDOWN_DISABLED),
    signals: (process.env.NITRO_SHUTDOWN_SIGNALS || 'SIGTERM SIGINT').split(' ').map(s => s.trim()).filter(Boolean) as NodeJS.Signals[],
  }
}

let secret: Uint8Array | undefined

/**
 * The HS256 key. Production requires NUXT_JWT_SECRET (server/plugins/00.config.ts);
 * in development one is generated once and kept in `.data/jwt-secret`, so sessions
 * survive restarts.
 */
export function jwtSecret(): Uint8Array {
  if (secret) return secret
  let value = serverConfig().jwtSecret
  if (!value) {
    const file = resolve(process.cwd(), '.data/jwt-secret')
    try {
      value = readFileSync(file, 'utf8').trim()
    }
    catch {
      value = randomBytes(48).toString('base64url')
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, `${value}\n`, { mode: 0o600 })
    }
  }
  secret = new TextEncoder().encode(value)
  return secret
}

let sealingKey: Buffer | undefined

/**
 * The AES-256 key that seals TOTP secrets at rest (utils/sealed-secrets.ts): HKDF-SHA256 of
 * the JWT secret, so there is no second secret to keep, and a database dump without the
 * server's configuration holds no usable second factor. Rotating NUXT_JWT_SECRET therefore
 * also retires every authenticator app enrolled before (docs/security.md says how people
 * get back in: a recovery code, then a new setup).
 */
export function secretSealingKey(): Buffer {
  sealingKey ??= Buffer.from(hkdfSync('sha256', jwtSecret(), 'parley', 'two-factor secrets at rest v1', 32))
  return sealingKey
}

export interface VapidKeys { publicKey: string, privateKey: string, subject: string }
let vapid: VapidKeys | undefined

/**
 * The VAPID key pair that signs Web Push requests (P-256, base64url). Production sets
 * NUXT_VAPID_PUBLIC_KEY and NUXT_VAPID_PRIVATE_KEY (`npx web-push generate-vapid-keys`);
 * otherwise a pair is generated once and kept in `.data/vapid-keys.json`, like the JWT
 * secret, so subscriptions survive restarts. The subject (NUXT_VAPID_SUBJECT) tells push
 * services whom to contact: by default the app's https URL, or the mail sender's address.
 */
export function vapidKeys(): VapidKeys {
  if (vapid) return vapid
  const config = serverConfig()
  let { publicKey, privateKey } = config.vapid
  if (!publicKey || !privateKey) {
    const file = resolve(process.cwd(), '.data/vapid-keys.json')
    try {
      ({ publicKey, privateKey } = JSON.parse(readFileSync(file, 'utf8')) as VapidKeys)
    }
    catch {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      publicKey = ecdh.getPublicKey().toString('base64url')
      const key = ecdh.getPrivateKey()
      // 32 bytes exactly: a key with leading zero bytes comes back shorter.
      privateKey = Buffer.concat([Buffer.alloc(32 - key.length), key]).toString('base64url')
      try {
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, `${JSON.stringify({ publicKey, privateKey })}\n`, { mode: 0o600 })
      }
      catch {
        // A read-only directory (the production image): the pair lives as long as this process.
      }
    }
  }
  const address = /<([^>]+)>/.exec(config.mailFrom)?.[1] ?? config.mailFrom
  const subject = config.vapid.subject || (config.appUrl.startsWith('https://') ? config.appUrl : `mailto:${address.trim()}`)
  vapid = { publicKey, privateKey, subject }
  return vapid
}
