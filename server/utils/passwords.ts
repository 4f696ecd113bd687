import { availableParallelism } from 'node:os'
import { argon2id, hash, verify } from 'argon2'
import pLimit, { type LimitFunction } from 'p-limit'
import { serverConfig } from './config'
import { apiError } from './errors'
import { createHashingHelper, HelperUnavailable, type HashingHelper } from './hashing-process'

// argon2id at OWASP's minimum (19 MiB, t=2, p=1). The whole password is hashed:
// argon2 has no length cut-off, and the schemas cap input at 256 code points.
const OPTIONS = { type: argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const

// Hashing is bounded (p-limit): argon2 runs on libuv's threads, and without a bound a
// login storm puts a 19 MiB, CPU-bound hash on every thread at once, starving the event
// loop that delivers messages (issue 16, M7). At most `passwordHashConcurrency` hashes run
// (one fewer than the cores: one is left to the event loop) and `passwordHashQueue` wait;
// one more is refused at once with 429 and Retry-After rather than queued for seconds.
// tests/api/password-hashing.test.ts proves the refusal; docs/benchmarks.md (M7) the effect.
// The hashes themselves run in a helper process at the lowest CPU priority, so even the
// ones let in take only what the event loop leaves idle (hashing-process.ts).
let limiter: { run: LimitFunction, concurrency: number, queue: number, helper: HashingHelper } | undefined

function hashingSlots() {
  if (!limiter) {
    const { passwordHashConcurrency, passwordHashQueue } = serverConfig().limits
    const concurrency = passwordHashConcurrency || Math.max(1, availableParallelism() - 1)
    // The helper's threads: one per hash let in, libuv's four at least; a hash not answered
    // within the request deadline takes the helper for stuck.
    const helper = createHashingHelper({ threads: Math.max(4, concurrency), answerWithinMs: serverConfig().timings.requestDeadlineMs })
    limiter = { run: pLimit(concurrency), concurrency, queue: passwordHashQueue, helper }
  }
  return limiter
}

/** Starts the hashing helper with the server, so its first login does not wait for it. */
export function prepareHashing(): void {
  hashingSlots().helper.start()
}

/** Stops the hashing helper (after the server's last request). */
export function stopHashing(): void {
  limiter?.helper.stop()
}

/** In the helper, or in this process when the helper cannot answer: never refused for its sake. */
async function inHelperOrHere<T>(inHelper: () => Promise<T>, here: () => Promise<T>): Promise<T> {
  try {
    return await inHelper()
  }
  catch (error) {
    if (!(error instanceof HelperUnavailable)) throw error
    return here()
  }
}

const argon2Hash = (password: string) => inHelperOrHere(() => hashingSlots().helper.hash(password, OPTIONS), () => hash(password, OPTIONS))
const argon2Verify = (storedHash: string, password: string) => inHelperOrHere(() => hashingSlots().helper.verify(storedHash, password), () => verify(storedHash, password))

function bounded<T>(work: () => Promise<T>): Promise<T> {
  const slots = hashingSlots()
  if (slots.run.pendingCount >= slots.queue && slots.run.activeCount >= slots.concurrency) {
    return Promise.reject(apiError('rate_limited', 'The server is busy checking passwords; try again in a moment.', { retryAfter: 1 }))
  }
  return slots.run(work)
}

/** Hashes a new password; throws 429 `rate_limited` when the hashing queue is full. */
export function hashPassword(password: string): Promise<string> {
  return bounded(() => argon2Hash(password))
}

let dummyHash: Promise<string> | undefined

/**
 * Compares a password with a stored hash. With no hash (unknown user, guest) it still
 * runs one verification against a dummy hash, so the answer takes as long either way.
 * Throws 429 `rate_limited` when the hashing queue is full (before comparing anything,
 * so a refused attempt never counts as a failed login).
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= argon2Hash('parley-dummy-password-for-timing')
    const target = await dummyHash
    await bounded(() => argon2Verify(target, password).catch(() => false))
    return false
  }
  return bounded(() => argon2Verify(storedHash, password).catch(() => false))
}
