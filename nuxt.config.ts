import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import vuetify, { transformAssetUrls } from 'vite-plugin-vuetify'
import { EARLY_ACTIONS_GUARD } from './utils/early-input'

const APP_VERSION: string = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).version

/** The commit being built, for /api/health and the start-up line: PARLEY_BUILD_COMMIT, else git, else unknown (never fails the build). */
function buildCommit(): string {
  if (process.env.PARLEY_BUILD_COMMIT) return process.env.PARLEY_BUILD_COMMIT
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString().trim() || 'unknown'
  }
  catch {
    return 'unknown'
  }
}

// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxt/eslint'],
  devtools: { enabled: false },
  app: {
    head: {
      title: 'Parley',
      htmlAttrs: { lang: 'en' },
      meta: [
        // Android's keyboard shrinks the page instead of covering it: the composer and the
        // latest messages stay above it (composables/useScrollAnchor.ts keeps the log at its end).
        { name: 'viewport', content: 'width=device-width, initial-scale=1, interactive-widget=resizes-content' },
        { name: 'description', content: 'Parley: self-hosted, real-time chat' },
        // Installable (public/manifest.webmanifest): the browser's bar and the app window take the brand colour.
        { name: 'theme-color', content: '#3949AB' },
      ],
      link: [
        { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' },
        { rel: 'manifest', href: '/manifest.webmanifest' },
        { rel: 'apple-touch-icon', href: '/icons/icon-192.png' },
      ],
      // Holds presses and submits made before the app is interactive (utils/early-input.ts);
      // first in <head>, so it runs before any button or field exists.
      script: [{ innerHTML: EARLY_ACTIONS_GUARD, tagPriority: 'critical' }],
    },
  },
  css: ['@mdi/font/css/materialdesignicons.css', '~/assets/main.css'],
  runtimeConfig: {
    // Every key can be set as NUXT_<KEY> (see README.md, Configuration); server/utils/config.ts
    // validates them at start and is the only server code that reads them.
    mongodbUri: '',
    jwtSecret: '',
    /** What was built (package.json's version, the git commit): fixed at build time, shown by /api/health. */
    build: { version: APP_VERSION, commit: buildCommit() },
    redisUrl: '',
    smtpUrl: '',
    mailFrom: 'Parley <no-reply@localhost>',
    allowedOrigins: '',
    channelCreators: 'users',
    /** NUXT_GUESTS (on, off), NUXT_SIGNUPS (open, closed), NUXT_ADMIN_USERNAMES: docs/deploy.md. */
    guests: 'on',
    signups: 'open',
    adminUsernames: '',
    trustProxy: '',
    // Web Push keys (NUXT_VAPID_PUBLIC_KEY, NUXT_VAPID_PRIVATE_KEY, NUXT_VAPID_SUBJECT); generated under .data/ when unset.
    vapid: { publicKey: '', privateKey: '', subject: '' },
    /** Boot in production without NUXT_JWT_SECRET / NUXT_MONGODB_URI (never in a real deployment). */
    allowInsecureBoot: false,
    /** Every account but guests must turn on two-factor first (NUXT_REQUIRE_TWO_FACTOR, or NUXT_REQUIRE_2FA). */
    requireTwoFactor: false,
    // NUXT_LOG_FORMAT (`json`, `text`; unset: JSON in production), NUXT_LOG_LEVEL (debug, info, warn, error).
    log: { format: '', level: 'info' },
    // Brute-force and send limits (docs/api-accounts.md, docs/api-realtime.md): NUXT_LIMITS_<NAME>, e.g. NUXT_LIMITS_LOGIN_FAILURES_PER_IP.
    limits: {
      loginFailuresPerAccount: 5,
      loginFailuresPerIp: 100,
      /** Seconds: the window of both login-failure counts, and how long a lockout lasts. */
      loginWindowSeconds: 900,
      signupsPerIp: 500,
      /** Passkey sign-in challenges per IP address per hour (docs/security.md, "Passkeys"). */
      passkeyChallengesPerIp: 2000,
      mailsPerIp: 1000,
      /** Seconds between two verification mails for one account. */
      mailResendSeconds: 60,
      /** Messages per second per user (HTTP and WebSocket together), and the burst allowed. */
      sendRate: 10,
      sendBurst: 30,
      /** Bytes of unsent frames after which a WebSocket is closed with 1013 (4 MiB). */
      wsMaxQueuedBytes: 4 * 1024 * 1024,
      /** Open connections per client address (not applied behind NUXT_TRUST_PROXY). */
      connectionsPerIp: 256,
      /** Passwords hashed or verified at once; 0: one fewer than the cores, at least one (docs/api-accounts.md). */
      passwordHashConcurrency: 0,
      /** Password checks that may wait for a hashing slot; past them 429 with Retry-After. */
      passwordHashQueue: 32,
      /** Sends one instance works on at once; past them 503 with Retry-After (docs/guarantees.md). */
      sendsInFlight: 64,
      /** Milliseconds a send may take before fewer are let in at once (docs/guarantees.md); 0: off. */
      sendDelayTargetMs: 50,
      /** WebSocket upgrades one instance handles at once (until `ready`); past them 503 with Retry-After (docs/api-realtime.md). */
      wsUpgradesInFlight: 256,
    },
    // Attachments (docs/attachments.md): NUXT_ATTACHMENTS_MAX_BYTES, _DAILY_BYTES, _MIN_PROGRESS_BYTES, _MAX_PIXELS, _IMAGE_CONCURRENCY, _STORAGE (database or s3).
    attachments: {
      maxBytes: 25 * 1024 * 1024,
      dailyBytes: 500 * 1024 * 1024,
      minProgressBytes: 16 * 1024,
      maxPixels: 100_000_000,
      imageConcurrency: 0,
      storage: 'database',
    },
    // The S3-compatible bucket of NUXT_ATTACHMENTS_STORAGE=s3: NUXT_S3_ENDPOINT, _BUCKET, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, _FORCE_PATH_STYLE.
    s3: {
      endpoint: '',
      bucket: '',
      region: 'us-east-1',
      accessKeyId: '',
      secretAccessKey: '',
      forcePathStyle: false,
    },
    // Timings in milliseconds, NUXT_TIMINGS_<NAME> (tests shorten the ones they wait on).
    timings: {
      refreshGraceMs: 10_000,
      /** How recent a sign-in a sensitive change needs (docs/security.md). */
      reauthWindowMs: 10 * 60 * 1000,
      typingTtlMs: 5_000,
      wsAuthTimeoutMs: 10_000,
      wsPingMs: 30_000,
      wsSilenceMs: 60_000,
      instanceAliveMs: 30_000,
      // Faults (docs/guarantees.md): deadlines for the database, Redis, requests and slow clients.
      requestDeadlineMs: 5_000,
      clientKeyLeaseMs: 30_000,
      dbOperationTimeoutMs: 5_000,
      redisCommandTimeoutMs: 1_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 65_000,
      requestTimeoutMs: 15_000,
      uploadProgressMs: 15_000,
      attachmentTtlMs: 60 * 60 * 1000,
      attachmentSweepMs: 5 * 60 * 1000,
    },
    public: {
      appUrl: 'http://localhost:3000',
      // Set for each page from NUXT_GUESTS and NUXT_SIGNUPS (server/plugins/00.config.ts).
      guests: true,
      signups: 'open',
    },
  },
  srcDir: '.',
  build: { transpile: ['vuetify'] },
  // Page chunks that fail to load are handled by plugins/route-chunks.client.ts: offline,
  // Nuxt's reload would put the browser's offline page where the app was.
  experimental: { emitRouteChunkError: 'manual' },
  compatibilityDate: '2026-11-01',
  nitro: {
    experimental: { websocket: true },
    // One server file, loaded whole at start: h3 remembers a route chunk's failed import
    // for good, so one unreadable file broke that route until a restart (guarantees.md).
    inlineDynamicImports: true,
    // The embedded dev database's data, and anything else kept between runs.
    ignore: ['.data/**'],
    // The app's scripts and styles are some 2 MB, a quarter of it compressed: on a phone's
    // slow network that was half a minute before the first screen. Each public file gets a
    // gzip and a Brotli copy at build time, served to a browser that accepts them (docs/ui.md).
    compressPublicAssets: { gzip: true, brotli: true },
    // The emoji picker's data, served by Parley itself (components/emoji/Picker.vue).
    publicAssets: [{
      dir: fileURLToPath(new URL('./node_modules/emoji-picker-element-data/en/emojibase', import.meta.url)),
      baseURL: '/emoji',
      maxAge: 60 * 60 * 24,
    }],
  },
  vite: {
    plugins: [vuetify({ autoImport: true })],
    vue: { template: { transformAssetUrls } },
  },
  typescript: {
    strict: true,
    typeCheck: false,
  },
  telemetry: false,
  hooks: {
    // Our API error handler runs first; Nuxt's (error pages) handles everything else.
    'nitro:config'(config) {
      const existing = config.errorHandler ? [config.errorHandler].flat() : []
      config.errorHandler = [fileURLToPath(new URL('./server/error.ts', import.meta.url)), ...existing]
    },
  },
  eslint: {
    config: { stylistic: true },
  },
})
