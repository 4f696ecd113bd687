import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startDatabase, startServer, type RunningDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import { call, eventually, loginUser, signUp } from '../harness/api-client'

// Password hashing is bounded (server/utils/passwords.ts): a login storm is answered
// "try again in a moment" instead of queueing argon2 work that starves the event loop.
// This instance hashes one password at a time and lets none wait, so a burst of logins
// must see refusals; a slower machine only makes the burst overlap more.
describe('bounded password hashing (one at a time, no queue)', () => {
  let database: RunningDatabase
  let server: RunningServer

  beforeAll(async () => {
    database = await startDatabase()
    server = await startServer({ mongoUri: database.uri, env: { NUXT_LIMITS_PASSWORD_HASH_CONCURRENCY: '1', NUXT_LIMITS_PASSWORD_HASH_QUEUE: '0' } })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.stop()
  })

  it('refuses logins past the hashing queue with 429 and Retry-After, and lets the rest in', async () => {
    const account = await signUp(server.baseUrl)
    const burst = await Promise.all(Array.from({ length: 20 }, () => loginUser(server.baseUrl, account.username, account.password)))
    const refused = burst.filter(result => result.status === 429)
    expect(burst.every(result => result.status === 200 || result.status === 429)).toBe(true)
    expect(burst.some(result => result.status === 200)).toBe(true)
    expect(refused.length).toBeGreaterThan(0)
    for (const result of refused) {
      expect(result.body).toMatchObject({ statusCode: 429, data: { code: 'rate_limited' } })
      expect(result.headers.get('retry-after')).toBe('1')
    }
  })

  it('does not count a refused attempt as a failed login', async () => {
    const account = await signUp(server.baseUrl)
    // Twenty wrong passwords at once: most are refused before any comparison, so far fewer
    // than the five failures that lock an account are counted.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => loginUser(server.baseUrl, account.username, `wrong-password-${i}`)))
    const counted = burst.filter(result => result.status === 401).length
    expect(burst.every(result => result.status === 401 || result.status === 429)).toBe(true)
    expect((await loginUser(server.baseUrl, account.username, account.password)).status).toBe(counted >= 5 ? 429 : 200)
  })

  it.runIf(process.platform === 'linux')('answers a login whose hash was in a helper that died: the server hashes it itself', async () => {
    const account = await signUp(server.baseUrl)
    const [helper] = hashingHelpersOf(server.process.pid!)
    process.kill(helper!, 'SIGSTOP')
    const logins = Array.from({ length: 2 }, () => loginUser(server.baseUrl, account.username, account.password))
    // One slot, no queue: the first answer is the refusal, so the other holds the slot with
    // its hash sent to the stopped helper. Then the helper dies with that hash unanswered.
    expect((await Promise.race(logins)).status).toBe(429)
    process.kill(helper!, 'SIGKILL')
    expect((await Promise.all(logins)).map(result => result.status).sort()).toEqual([200, 429])
  })

  it('answers a registration refused by the hashing queue with 429, storing no account', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `burst${Date.now().toString(36)}${i}`)
    const burst = await Promise.all(names.map(username => call(server.baseUrl, '/api/auth/register', { body: { username, password: 'correct horse battery staple' } })))
    expect(burst.every(result => result.status === 201 || result.status === 200 || result.status === 429)).toBe(true)
    for (const [i, result] of burst.entries()) {
      if (result.status !== 429) continue
      expect(result.headers.get('retry-after')).toBe('1')
      const login = await loginUser(server.baseUrl, names[i]!, 'correct horse battery staple')
      expect(login.status).toBe(401)
    }
  })
})

// The hashes run in a helper process at the lowest CPU priority (server/utils/hashing-process.ts),
// so on a core shared with the event loop a login storm takes only what the chat leaves idle
// (docs/benchmarks.md, "Hashing at the lowest priority"). Read from /proc: Linux only.
describe.runIf(process.platform === 'linux')('password hashing at the lowest CPU priority', () => {
  let server: RunningServer

  beforeAll(async () => {
    // A helper is taken for stuck after the request deadline (4 s here), a second before a
    // login itself would be answered 503.
    server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_TIMINGS_REQUEST_DEADLINE_MS: '4000' } })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
  })

  it('hashes in a process of its own whose every thread runs at nice 19, the server at its own', async () => {
    const account = await signUp(server.baseUrl)
    expect((await loginUser(server.baseUrl, account.username, account.password)).status).toBe(200)
    const [helper, ...others] = hashingHelpersOf(server.process.pid!)
    expect(others).toEqual([])
    // Its main thread, libuv's pool where argon2 runs, and V8's threads.
    expect(threadNiceValues(helper!).length).toBeGreaterThanOrEqual(5)
    expect(new Set(threadNiceValues(helper!))).toEqual(new Set([19]))
    expect(threadNiceValues(server.process.pid!).every(nice => nice < 19)).toBe(true)
  })

  it('still signs people in when the helper is killed, and starts another for the next hash', async () => {
    const account = await signUp(server.baseUrl)
    const [killed] = hashingHelpersOf(server.process.pid!)
    process.kill(killed!, 'SIGKILL')
    // Whether each reached the helper before it died or not, each is answered.
    const racing = await Promise.all(Array.from({ length: 3 }, () => loginUser(server.baseUrl, account.username, account.password)))
    expect(racing.map(result => result.status)).toEqual([200, 200, 200])
    await eventually(() => !existsSync(`/proc/${killed}`), 15_000, 'the killed helper reaped')
    expect((await loginUser(server.baseUrl, account.username, account.password)).status).toBe(200)
    const [replacement] = hashingHelpersOf(server.process.pid!)
    expect(replacement).toBeDefined()
    expect(replacement).not.toBe(killed)
    expect(new Set(threadNiceValues(replacement!))).toEqual(new Set([19]))
  })

  it('replaces a helper that stopped answering, and answers the login that waited on it', async () => {
    const account = await signUp(server.baseUrl)
    const [stuck] = hashingHelpersOf(server.process.pid!)
    process.kill(stuck!, 'SIGSTOP')
    // Waits out the helper's deadline, then is hashed in the server itself.
    expect((await loginUser(server.baseUrl, account.username, account.password)).status).toBe(200)
    await eventually(() => !existsSync(`/proc/${stuck}`), 15_000, 'the stuck helper killed and reaped')
    expect((await loginUser(server.baseUrl, account.username, account.password)).status).toBe(200)
    const helpers = hashingHelpersOf(server.process.pid!)
    expect(helpers).toHaveLength(1)
    expect(helpers[0]).not.toBe(stuck)
  })
})

function statFields(path: string): string[] {
  // The fields after the command name, which is in parentheses and may hold spaces.
  return readFileSync(path, 'utf8').split(') ').slice(1).join(') ').split(' ')
}

function hashingHelpersOf(serverPid: number): number[] {
  return readdirSync('/proc').filter(entry => /^\d+$/.test(entry)).filter((pid) => {
    try {
      return statFields(`/proc/${pid}/stat`)[1] === String(serverPid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1] === '-e'
    }
    catch {
      return false // gone meanwhile
    }
  }).map(Number)
}

function threadNiceValues(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map(thread => Number(statFields(`/proc/${pid}/task/${thread}/stat`)[16]))
}
