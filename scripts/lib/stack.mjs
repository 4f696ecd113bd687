// The test stack: a throw-away FerretDB and the production build of Parley,
// started once and shared by the vitest and Playwright runs (scripts/test.mjs),
// or started by each runner's global setup when it runs on its own.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startFerretdb } from './ferretdb.mjs'
import { startSmtpSink } from './smtp-sink.mjs'

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
export const SERVER_ENTRY = join(ROOT, '.output/server/index.mjs')

/**
 * Settings every test server gets: real secrets, and per-IP limits opened up because the
 * whole suite signs up, fails logins and sends mail from 127.0.0.1. (tests/api/limits.test.ts
 * starts an instance with the defaults to test the limits themselves; the per-account
 * lockout keeps its default everywhere.)
 */
export const TEST_SERVER_ENV = {
  NODE_ENV: 'production',
  NUXT_JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
  NUXT_ALLOWED_ORIGINS: '',
  // The suite sends hundreds of messages at once from a few users; the send bucket is
  // tested on an instance of its own (tests/api/send-limits.test.ts).
  NUXT_LIMITS_SEND_RATE: '100000',
  NUXT_LIMITS_SEND_BURST: '100000',
  NUXT_LIMITS_SIGNUPS_PER_IP: '1000000',
  // Every visit of /login asks for a passkey challenge (the browser's autofill offer).
  NUXT_LIMITS_PASSKEY_CHALLENGES_PER_IP: '1000000',
  NUXT_LIMITS_LOGIN_FAILURES_PER_IP: '1000000',
  NUXT_LIMITS_MAILS_PER_IP: '1000000',
  NUXT_LIMITS_CONNECTIONS_PER_IP: '100000',
  // Test files sign up dozens of people at once on one server; the hashing queue's refusal
  // is tested on an instance of its own (tests/api/password-hashing.test.ts).
  NUXT_LIMITS_PASSWORD_HASH_QUEUE: '100000',
  // Test files send bursts to one chat, whose lock makes them slow on a loaded machine; the
  // delay bound is tested on an instance of its own (tests/api/overload.test.ts).
  NUXT_LIMITS_SEND_DELAY_TARGET_MS: '0',
}

export function build({ log = console.log } = {}) {
  log('[stack] nuxt build ...')
  const result = spawnSync('npx', ['nuxt', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`nuxt build failed:\n${(result.stdout + result.stderr).slice(-4000)}`)
}

export async function waitForHealth(baseUrl, { timeoutMs = 30_000, child } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/api/health`)
      if (response.ok) return
    }
    catch {
      // not listening yet
    }
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    if (Date.now() > deadline) throw new Error(`server at ${baseUrl} did not become healthy`)
    await new Promise(r => setTimeout(r, 150))
  }
}

/**
 * Starts one instance of the built server. `env` is added to the test defaults.
 * `appHost` names the host of its public URL (`appUrl`): `localhost` for passkeys, whose
 * relying party must be a host name, never an IP address; the tests' own requests still
 * go to `baseUrl` on 127.0.0.1.
 */
export async function startServer({ mongoUri, env = {}, waitHealthy = true, appHost = '127.0.0.1', entry = SERVER_ENTRY } = {}) {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const appUrl = `http://${appHost}:${port}`
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...TEST_SERVER_ENV,
      NUXT_PUBLIC_APP_URL: appUrl,
      ...env,
      NUXT_MONGODB_URI: mongoUri,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk) => {
    output += chunk
    if (output.length > 2_000_000) output = output.slice(-1_000_000)
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise(r => child.once('exit', (code, signal) => r({ code, signal })))
  const stop = async (signal = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  if (waitHealthy) {
    // One that never became healthy is stopped here: whoever asked has nothing to stop.
    try {
      await waitForHealth(baseUrl, { child })
    }
    catch (error) {
      await stop('SIGKILL')
      throw error
    }
  }
  return {
    baseUrl,
    appUrl,
    port,
    process: child,
    exited,
    logs: () => output,
    stop,
  }
}

/** Starts FerretDB in a temporary directory. */
export async function startDatabase() {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-db-'))
  const database = await startFerretdb({ dataDir, log: () => {} })
  return {
    ...database,
    dataDir,
    async stop() {
      await database.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * The shared stack. When PARLEY_TEST_BASE_URL and PARLEY_TEST_MONGO_URI are set
 * (scripts/test.mjs started it), they are reused and nothing is started here.
 *
 * Mail: the shared server delivers over real SMTP to a sink started here on loopback
 * (scripts/lib/smtp-sink.mjs), which appends every mail it receives as one JSON line to
 * the file named by PARLEY_TEST_MAILBOX. Tests in any process (vitest workers, Playwright
 * workers) read it with tests/harness/mailbox.ts to follow verification and reset links.
 */
export async function startStack({ log = console.log, skipBuild = process.env.PARLEY_SKIP_BUILD === '1' } = {}) {
  if (process.env.PARLEY_TEST_BASE_URL && process.env.PARLEY_TEST_MONGO_URI) {
    return { baseUrl: process.env.PARLEY_TEST_BASE_URL, mongoUri: process.env.PARLEY_TEST_MONGO_URI, mailbox: process.env.PARLEY_TEST_MAILBOX, async stop() {} }
  }
  if (!skipBuild || !existsSync(SERVER_ENTRY)) build({ log })
  const database = await startDatabase()
  const mailbox = join(database.dataDir, 'mailbox.jsonl')
  let smtp = null
  let server
  try {
    smtp = await startSmtpSink({ mailboxFile: mailbox })
    server = await startServer({ mongoUri: database.uri, env: { NUXT_SMTP_URL: smtp.url } })
  }
  catch (error) {
    // A server that never became healthy: the sink and the database go too, not left running.
    await smtp?.stop()
    await database.stop()
    throw error
  }
  process.env.PARLEY_TEST_BASE_URL = server.baseUrl
  process.env.PARLEY_TEST_MONGO_URI = database.uri
  process.env.PARLEY_TEST_MAILBOX = mailbox
  return {
    baseUrl: server.baseUrl,
    mongoUri: database.uri,
    mailbox,
    server,
    database,
    async stop() {
      await server.stop()
      await smtp.stop()
      await database.stop()
    },
  }
}
