import { z } from 'zod'

// The shape of the server's runtime configuration (nuxt.config.ts `runtimeConfig`), with
// each setting's default and bounds. Only declarations live here: reading and validating
// the values, once at start, is server/utils/config.ts's job, the only code that reads
// the environment.

/** An unset variable arrives as '' (or not at all): take the default. */
function unset(value: unknown): unknown {
  return value === '' || value === null ? undefined : value
}
const positive = (fallback: number) => z.preprocess(unset, z.coerce.number().int().positive().default(fallback))
const nonNegative = (fallback: number) => z.preprocess(unset, z.coerce.number().int().nonnegative().default(fallback))
const positiveFraction = (fallback: number) => z.preprocess(unset, z.coerce.number().positive().default(fallback))
const text = (fallback = '') => z.preprocess(value => unset(value) === undefined ? undefined : String(value), z.string().default(fallback))
const YES = ['true', '1', 'yes', 'on']
const NO = ['false', '0', 'no', 'off']

/** A yes/no word (any case): true for true/1/yes/on, false for false/0/no/off, null for anything else. */
export function yesNo(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value
  const word = String(value).trim().toLowerCase()
  return YES.includes(word) ? true : NO.includes(word) ? false : null
}

/**
 * The one yes/no parser of every boolean setting (unset: no). A word it does not know stops
 * the boot with the words it does know, rather than Zod's bare "Invalid input".
 */
function yesNoSettingOr(fallback: boolean) {
  return z.unknown().transform((value, context): boolean => {
    if (unset(value) === undefined) return fallback
    const answer = yesNo(value)
    if (answer === null) context.addIssue({ code: 'custom', message: `expected one of ${[...YES, ...NO].join(', ')}` })
    return answer ?? fallback
  }).default(fallback)
}
export const yesNoSetting = yesNoSettingOr(false)

/**
 * How many reverse proxies in front of the server append to `X-Forwarded-For`
 * (NUXT_TRUST_PROXY): a count (`0`, `1`, `2`...), or a yes/no word (yes is one proxy, such
 * as Render's load balancer); unset when clients connect directly. Null when it is neither:
 * `one` silently read as 0 made every person behind the proxy share one address's limits.
 */
export function trustedProxyHops(setting: unknown): number | null {
  const value = unset(setting) === undefined ? '' : String(setting).trim()
  if (value === '') return 0
  if (/^\d+$/.test(value)) return Number.parseInt(value, 10)
  const answer = yesNo(value)
  return answer === null ? null : answer ? 1 : 0
}

const proxyHops = z.unknown().transform((value, context): number => {
  const hops = trustedProxyHops(value)
  if (hops === null) context.addIssue({ code: 'custom', message: 'expected a number of proxies (0, 1, 2...) or one of true, yes, false, no' })
  return hops ?? 0
}).default(0)

/** A MongoDB connection string as the driver parses it: the scheme, then at least one host. */
export function isMongoUri(uri: string): boolean {
  return /^mongodb(\+srv)?:\/\/([^/@]*@)?[^/@:,]+/.test(uri)
}

/** A URL whose scheme is one of `schemes`, or unset. The message never echoes the value: it may hold a password. */
function urlSetting(schemes: string[], what: string) {
  return text().refine((value) => {
    if (!value) return true
    try {
      const url = new URL(value)
      return schemes.includes(url.protocol) && url.hostname !== ''
    }
    catch {
      return false
    }
  }, { message: `expected ${what} (the value is not shown: it may hold a password)` })
}

export const runtimeSchema = z.object({
  mongodbUri: text(),
  jwtSecret: text(),
  /** Set by nuxt.config.ts at build time. */
  build: z.preprocess(value => value ?? {}, z.object({ version: text('unknown'), commit: text('unknown') })),
  redisUrl: text(),
  smtpUrl: urlSetting(['smtp:', 'smtps:'], 'empty or an smtp:// or smtps:// URL with a host'),
  mailFrom: text('Parley <no-reply@localhost>'),
  allowedOrigins: text(),
  channelCreators: z.preprocess(value => unset(value) === undefined ? undefined : String(value).toLowerCase(), z.enum(['users', 'admins']).default('users')),
  trustProxy: proxyHops,
  /** NUXT_GUESTS: yes (the default) lets anyone in with just a name ("Continue as guest"); `off` (or any no word) refuses it. */
  guests: yesNoSettingOr(true),
  /** NUXT_SIGNUPS: `open` (the default) or `closed` (only the very first account, the admin, may register). */
  signups: z.preprocess(value => unset(value) === undefined ? undefined : String(value).toLowerCase(), z.enum(['open', 'closed']).default('open')),
  /** NUXT_ADMIN_USERNAMES: a comma list of accounts made admin at boot (the way back to a site with no admin). */
  adminUsernames: text(),
  /** Web Push (docs/messages.md, "Web Push"): NUXT_VAPID_PUBLIC_KEY, _PRIVATE_KEY, _SUBJECT. */
  vapid: z.preprocess(value => value ?? {}, z.object({ publicKey: text(), privateKey: text(), subject: text() })),
  allowInsecureBoot: yesNoSetting,
  /** Every account but guests must turn on two-factor before anything else (docs/security.md). */
  requireTwoFactor: yesNoSetting,
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
    /** Passkey sign-in challenges one IP address may ask for per hour (each is a stored document). */
    passkeyChallengesPerIp: positive(2000),
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
    /** Sends slower than this lower the sends let in at once; 0 turns the bound off (messages/send-gate.ts). */
    sendDelayTargetMs: nonNegative(50),
    /** WebSocket upgrades one instance handles at once (until `ready`); one more gets 503 and Retry-After (realtime/upgrade-gate.ts). */
    wsUpgradesInFlight: positive(256),
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
    /** Images decoded and encoded at once (sharp, on libuv's threads); 0 picks one, two from four cores (services/attachments/images.ts). */
    imageConcurrency: nonNegative(0),
    /** `database` (chunk documents, the default) or `s3` (the NUXT_S3_* bucket). */
    storage: z.preprocess(value => unset(value) === undefined ? undefined : String(value).toLowerCase(), z.enum(['database', 's3']).default('database')),
  })),
  s3: z.preprocess(value => value ?? {}, z.object({
    endpoint: text(),
    bucket: text(),
    region: text('us-east-1'),
    accessKeyId: text(),
    secretAccessKey: text(),
    forcePathStyle: yesNoSetting,
  })),
  timings: z.preprocess(value => value ?? {}, z.object({
    /** How long a rotated refresh token still answers (two tabs refreshing at once). */
    refreshGraceMs: positive(10_000),
    /** A sensitive change needs a sign-in (or re-authentication) at most this old (docs/security.md). */
    reauthWindowMs: positive(10 * 60 * 1000),
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
    /** An idle keep-alive connection stays open this long: longer than a proxy's own (docs/deploy.md). */
    keepAliveTimeoutMs: positive(65_000),
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
