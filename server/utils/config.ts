import { createECDH, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'

// The server's one configuration module and the only code in server/ that reads the
// environment. Every setting is a runtime-config key (nuxt.config.ts), so Nitro maps
// NUXT_<KEY> onto it: `limits.sendRate` is NUXT_LIMITS_SEND_RATE, `timings.typingTtlMs`
// is NUXT_TIMINGS_TYPING_TTL_MS (README.md, Configuration, lists every one).
// server/plugins/00.config.ts validates it once at start (loadServerConfig) and refuses
// to boot on a bad value. Code outside Nitro (the service and unit tests) gets the
// defaults, or whatever it hands to loadServerConfig.

/** An unset variable arrives as '' (or not at all): take the default. */
function unset(value: unknown): unknown {
  return value === '' || value === null ? undefined : value
}
const positive = (fallback: number) => z.preprocess(unset, z.coerce.number().int().positive().default(fallback))
const nonNegative = (fallback: number) => z.preprocess(unset, z.coerce.number().int().nonnegative().default(fallback))
const positiveFraction = (fallback: number) => z.preprocess(unset, z.coerce.number().positive().default(fallback))
const text = (fallback = '') => z.preprocess(value => unset(value) === undefined ? undefined : String(value), z.string().default(fallback))

const runtimeSchema = z.object({
  mongodbUri: text(),
  jwtSecret: text(),
  redisUrl: text(),
  smtpUrl: text(),
  mailFrom: text('Parley <no-reply@localhost>'),
  allowedOrigins: text(),
  channelCreators: z.preprocess(value => unset(value) === undefined ? undefined : String(value).toLowerCase(), z.enum(['users', 'admins']).default('users')),
  trustProxy: text(),
  /** Web Push (docs/messages.md, "Web Push"): NUXT_VAPID_PUBLIC_KEY, _PRIVATE_KEY, _SUBJECT. */
  vapid: z.preprocess(value => value ?? {}, z.object({ publicKey: text(), privateKey: text(), subject: text() })),
  allowInsecureBoot: z.preprocess(unset, z.union([z.boolean(), z.enum(['1', '0', 'true', 'false']).transform(value => value === '1' || value === 'true'), z.literal(1).transform(() => true), z.literal(0).transform(() => false)]).default(false)),
  log: z.preprocess(value => value ?? {}, z.object({
    /** `json` or `text`; unset: JSON in production, text in development. */
    format: z.preprocess(unset, z.enum(['json', 'text']).optional()),
    level: z.preprocess(unset, z.enum(['debug', 'info', 'warn', 'error']).default('info')),
  })),
  limits: z.preprocess(value => value ?? {}, z.object({
    loginFailuresPerAccount: positive(5),
    loginFailuresPerIp: positive(100),
    loginWindowSeconds: positive(900),
    signupsPerIp: positive(500),
    mailsPerIp: positive(1000),
    mailResendSeconds: positive(60),
    /** Messages per second per user, HTTP and WebSocket together; a fraction is a slower rate (0.5: one every 2 s). */
    sendRate: positiveFraction(10),
    sendBurst: positive(30),
    /** A WebSocket whose unsent frames pass this many bytes is closed with 1013 (docs/guarantees.md). */
    wsMaxQueuedBytes: positive(4 * 1024 * 1024),
    /** Open connections (WebSockets included) per client address; not applied behind NUXT_TRUST_PROXY. */
    connectionsPerIp: positive(256),
    /** Passwords hashed or verified at once (argon2); 0 picks one fewer than the cores, at least one. */
    passwordHashConcurrency: nonNegative(0),
    /** Password checks waiting for a hashing slot; one more is refused with 429 (server/utils/passwords.ts). */
    passwordHashQueue: nonNegative(32),
    /** Sends one instance stores at once; one more is refused with 503 and Retry-After (messages/send-gate.ts). */
    sendsInFlight: positive(64),
  })),
  attachments: z.preprocess(value => value ?? {}, z.object({
    /** Bytes one file may have (413 payload_too_large above). */
    maxBytes: positive(25 * 1024 * 1024),
    /** Bytes one person may upload per UTC day (429 rate_limited above). */
    dailyBytes: positive(500 * 1024 * 1024),
    /** Bytes an upload must bring in every NUXT_TIMINGS_UPLOAD_PROGRESS_MS (slower is cut; docs/attachments.md). */
    minProgressBytes: positive(16 * 1024),
    /** Pixels an image may have (width x height, all frames): a decompression bomb is refused before decoding. */
    maxPixels: positive(100_000_000),
    /** `database` (chunk documents, the default) or `s3` (the NUXT_S3_* bucket). */
    storage: z.preprocess(value => unset(value) === undefined ? undefined : String(value).toLowerCase(), z.enum(['database', 's3']).default('database')),
  })),
  s3: z.preprocess(value => value ?? {}, z.object({
    endpoint: text(),
    bucket: text(),
    region: text('us-east-1'),
    accessKeyId: text(),
    secretAccessKey: text(),
    forcePathStyle: z.preprocess(unset, z.union([z.boolean(), z.enum(['1', '0', 'true', 'false']).transform(value => value === '1' || value === 'true')]).default(false)),
  })),
  timings: z.preprocess(value => value ?? {}, z.object({
    /** How long a rotated refresh token still answers (two tabs refreshing at once). */
    refreshGraceMs: positive(10_000),
    /** How long a `typing` indicator lasts unless repeated. */
    typingTtlMs: positive(5_000),
    /** How long a socket opened without a token has to send its `auth` frame. */
    wsAuthTimeoutMs: positive(10_000),
    wsPingMs: positive(30_000),
    /** A socket silent this long is terminated. */
    wsSilenceMs: positive(60_000),
    /** How often an instance tells the others it is alive; silent for three times this, it is gone. */
    instanceAliveMs: positive(30_000),
    /** A write request (send, edit, react, read) answers 503 `unavailable` after this long. */
    requestDeadlineMs: positive(5_000),
    /** A clientId key whose message is still missing after this long was left by a send that died. */
    clientKeyLeaseMs: positive(30_000),
    /** Driver deadlines: a stalled database fails an operation instead of hanging it. */
    dbOperationTimeoutMs: positive(5_000),
    /** Every Redis command fails after this long (ioredis `commandTimeout`). */
    redisCommandTimeoutMs: positive(1_000),
    /** A request's headers must arrive within this long (the slowloris attack trickles headers). */
    headersTimeoutMs: positive(10_000),
    /** An ordinary request's body (at most 64 KiB) must be whole within this long of its headers. */
    requestTimeoutMs: positive(15_000),
    /** An upload's body must bring uploadMinProgressBytes in every window of this long (docs/attachments.md). */
    uploadProgressMs: positive(15_000),
    /** An attachment not sent this long after its upload is removed by the sweep. */
    attachmentTtlMs: positive(60 * 60 * 1000),
    /** How often the sweep of unsent attachments (and spent upload quotas) runs. */
    attachmentSweepMs: positive(5 * 60 * 1000),
  })),
  public: z.preprocess(value => value ?? {}, z.object({
    appUrl: text('http://localhost:3000'),
  }).loose()),
})

export type ServerLimits = z.infer<typeof runtimeSchema>['limits']
export type ServerTimings = z.infer<typeof runtimeSchema>['timings']
export type AttachmentSettings = z.infer<typeof runtimeSchema>['attachments']
export type S3Settings = z.infer<typeof runtimeSchema>['s3']

export interface ServerConfig {
  /** NODE_ENV is `production` (the built server the tests start sets it too). */
  production: boolean
  mongodbUri: string
  jwtSecret: string
  redisUrl: string
  smtpUrl: string
  mailFrom: string
  appUrl: string
  appOrigin: string
  /** Extra origins allowed for cookie-authenticated requests and WebSockets. */
  allowedOrigins: string[]
  /** Cookies get `Secure` when the app is served over HTTPS. */
  secureCookies: boolean
  channelCreators: 'users' | 'admins'
  /** Reverse proxies in front that append to `X-Forwarded-For` (NUXT_TRUST_PROXY). */
  trustProxyHops: number
  allowInsecureBoot: boolean
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

/**
 * Validates the runtime config (useRuntimeConfig() in Nitro) and makes it the server's
 * configuration. Throws a ZodError naming the bad keys.
 */
export function loadServerConfig(runtime: RuntimeConfigInput = {}): ServerConfig {
  const parsed = runtimeSchema.parse(runtime)
  const production = process.env.NODE_ENV === 'production'
  const appUrl = parsed.public.appUrl.replace(/\/+$/, '')
  current = {
    production,
    // Plain MONGODB_URI is documented as working too.
    mongodbUri: parsed.mongodbUri || process.env.MONGODB_URI || '',
    jwtSecret: parsed.jwtSecret,
    redisUrl: parsed.redisUrl,
    smtpUrl: parsed.smtpUrl,
    mailFrom: parsed.mailFrom,
    appUrl,
    appOrigin: originOf(appUrl) ?? 'http://localhost:3000',
    allowedOrigins: parsed.allowedOrigins.split(',').map(origin => originOf(origin.trim())).filter((origin): origin is string => !!origin),
    secureCookies: appUrl.startsWith('https://'),
    channelCreators: parsed.channelCreators,
    trustProxyHops: trustedProxyHops(parsed.trustProxy),
    allowInsecureBoot: parsed.allowInsecureBoot,
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

/** The configuration loaded at start; outside Nitro (tests) the defaults until a test loads its own. */
export function serverConfig(): ServerConfig {
  return current ?? loadServerConfig()
}

/** One line per bad key, named as the environment variable that sets it. */
export function describeConfigError(error: unknown): string {
  if (!(error instanceof z.ZodError)) return String(error)
  return error.issues.map((issue) => {
    const path = issue.path.map(String)
    const name = `NUXT_${path.map(part => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2')).join('_').toUpperCase()}`
    return `${name}: ${issue.message}`
  }).join('; ')
}

/**
 * How many reverse proxies in front of the server append to `X-Forwarded-For`
 * (NUXT_TRUST_PROXY): `1` (or `true`) behind one, such as Render's load balancer;
 * unset or `0` when clients connect directly.
 */
export function trustedProxyHops(setting: string | undefined): number {
  const value = (setting ?? '').trim().toLowerCase()
  if (['true', 'yes'].includes(value)) return 1
  const hops = Number.parseInt(value, 10)
  return Number.isFinite(hops) && hops > 0 ? hops : 0
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
