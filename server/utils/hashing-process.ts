import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import type { HashOptions } from 'argon2'
import { errorName, logger } from './logger'

// argon2 runs on libuv's threads, which the kernel shares the core with as equals: on a
// small machine (one or two cores, the embedded database on them too) a login storm's
// hashes took half the core from the event loop that delivers messages (issue 16, M7: the
// chat's delivery p50 during a storm 10-12 ms, 6 ms with the hashes niced). So the hashes
// run in a helper process whose every thread is at the lowest CPU priority (nice 19): they
// get the core whenever the event loop and the database leave it idle, and give it back
// the moment either wants it.
// Measured in docs/benchmarks.md ("Hashing at the lowest priority");
// tests/api/password-hashing.test.ts checks the priority and the fallback.
//
// The helper is a priority, not a dependency: a request it cannot answer (it exited, could
// not start, or never answered before exiting) is hashed in the server's own threads, as
// before. One that has not answered within the request deadline (a hash takes tens of
// milliseconds, seconds at nice 19 on a saturated core) means the helper is stuck: it is
// killed and replaced, so its hashes do not hold the hashing slots for good. It gets no
// environment of the server (no secrets), only the path of the argon2 package the server
// itself loaded, and passwords travel over its IPC pipe, never its command line.

/** The helper's code: argon2 on request, at nice 19; it exits when the server goes away. */
const HELPER_SOURCE = `
const { readdirSync } = require('node:fs')
const { setPriority } = require('node:os')
// Linux keeps a nice value per thread: each thread already started is lowered, and the ones
// started later (libuv's pool) inherit it from the thread that starts them.
const lowest = () => {
  let threads = []
  try { threads = readdirSync('/proc/self/task') } catch {}
  for (const thread of threads) { try { setPriority(Number(thread), 19) } catch {} }
  try { setPriority(19) } catch {}
}
lowest()
const argon2 = require(process.argv[1])
process.on('message', async (request) => {
  lowest()
  try {
    const value = request.op === 'hash' ? await argon2.hash(request.password, request.options) : await argon2.verify(request.hash, request.password)
    process.send({ id: request.id, value })
  }
  catch (error) {
    process.send({ id: request.id, error: String(error && error.message || error) })
  }
})
process.on('disconnect', () => process.exit(0))
`

type HashRequest = { op: 'hash', password: string, options: HashOptions } | { op: 'verify', hash: string, password: string }

interface Pending { resolve: (value: unknown) => void, reject: (error: Error) => void }

/** Raised when the helper cannot answer (not an answer from argon2): the caller hashes in-process. */
export class HelperUnavailable extends Error {}

export interface HashingHelperSettings {
  /** libuv threads of the helper: at least as many as hashes may run at once. */
  threads: number
  /** How long an answer may take before the helper is taken for stuck. */
  answerWithinMs: number
}

export interface HashingHelper {
  /** Starts the helper now (at start-up, with the rest of the server's code), if not running. */
  start: () => void
  stop: () => void
  /** A new argon2 hash of `password`; rejects with HelperUnavailable when the helper cannot answer. */
  hash: (password: string, options: HashOptions) => Promise<string>
  /** Whether `password` matches `hash`; rejects with HelperUnavailable when the helper cannot answer. */
  verify: (hash: string, password: string) => Promise<boolean>
}

export function createHashingHelper({ threads, answerWithinMs }: HashingHelperSettings): HashingHelper {
  let helper: { child: ChildProcess, pending: Map<number, Pending> } | null = null
  let nextId = 0

  function startHelper(): NonNullable<typeof helper> {
    const argon2Path = createRequire(import.meta.url).resolve('argon2')
    const child = spawn(process.execPath, ['-e', HELPER_SOURCE, argon2Path], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { UV_THREADPOOL_SIZE: String(threads) },
    })
    const started = { child, pending: new Map<number, Pending>() }
    const fail = (reason: string) => {
      if (helper === started) helper = null
      for (const waiting of started.pending.values()) waiting.reject(new HelperUnavailable(reason))
      started.pending.clear()
    }
    child.on('message', (answer: { id: number, value?: unknown, error?: string }) => {
      const waiting = started.pending.get(answer.id)
      started.pending.delete(answer.id)
      if (answer.error !== undefined) waiting?.reject(new Error(answer.error))
      else waiting?.resolve(answer.value)
    })
    child.on('error', (error) => {
      logger.warn('password hashing process failed; hashing in the server', { error: errorName(error) })
      fail('hashing process failed')
    })
    child.on('exit', (code, signal) => {
      if (started.pending.size > 0 || helper === started) logger.warn('password hashing process exited; the next hash starts another', { code, signal })
      fail('hashing process exited')
    })
    // Neither the helper nor its pipe keeps the server running.
    child.unref()
    child.channel?.unref()
    return started
  }

  function inHelper<T>(request: HashRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        const running = helper ??= startHelper()
        if (!running.child.connected) throw new HelperUnavailable('hashing process not connected')
        const id = nextId++
        const stuck = setTimeout(() => {
          logger.warn('password hashing process did not answer in time; replacing it', { ms: answerWithinMs })
          // Its exit hands every hash it holds to the server's threads (fail above).
          if (helper === running) helper = null
          running.child.kill('SIGKILL')
        }, answerWithinMs)
        stuck.unref()
        running.pending.set(id, {
          resolve: (value) => {
            clearTimeout(stuck)
            resolve(value as T)
          },
          reject: (error) => {
            clearTimeout(stuck)
            reject(error)
          },
        })
        running.child.send({ id, ...request }, (error) => {
          if (!error) return
          running.pending.get(id)?.reject(new HelperUnavailable(errorName(error)))
          running.pending.delete(id)
        })
      }
      catch (error) {
        reject(error instanceof HelperUnavailable ? error : new HelperUnavailable(errorName(error)))
      }
    })
  }

  return {
    start: () => {
      helper ??= startHelper()
    },
    stop: () => {
      helper?.child.kill()
      helper = null
    },
    hash: (password, options) => inHelper<string>({ op: 'hash', password, options }),
    verify: (hash, password) => inHelper<boolean>({ op: 'verify', hash, password }),
  }
}
