import { apiError } from './errors'
import { logger } from './logger'

// What keeps Parley answering when the database, Redis or a client misbehaves
// (docs/guarantees.md): the timeouts and caps, one deadline helper, and the test-only
// fault hook. The numbers come from the environment with safe defaults.

function positiveFromEnv(name: string, fallback: number): number {
  const value = Number.parseInt(process.env[name] ?? '', 10)
  return Number.isFinite(value) && value > 0 ? value : fallback
}

export interface ResilienceSettings {
  /** A write request (send, edit, react, read) answers `unavailable` after this long. */
  requestDeadlineMs: number
  /** A clientId key whose message is not stored after this long was left by a writer that died. */
  clientKeyLeaseMs: number
  /** Driver deadlines: a stalled database fails an operation instead of hanging it. */
  dbOperationTimeoutMs: number
  /** Every Redis command fails after this long (ioredis `commandTimeout`). */
  redisCommandTimeoutMs: number
  /** A WebSocket whose unsent frames pass this is closed with 1013. */
  socketQueueBytes: number
  /** Open HTTP connections (WebSockets included) per client IP. */
  connectionsPerIp: number
  /** A request whose headers (or whole body) have not arrived in this long is closed. */
  headersTimeoutMs: number
  requestTimeoutMs: number
}

let cached: ResilienceSettings | undefined

export function resilienceSettings(): ResilienceSettings {
  cached ??= {
    requestDeadlineMs: positiveFromEnv('NUXT_REQUEST_DEADLINE_MS', 5_000),
    clientKeyLeaseMs: positiveFromEnv('NUXT_CLIENT_KEY_LEASE_MS', 30_000),
    dbOperationTimeoutMs: positiveFromEnv('NUXT_DB_OPERATION_TIMEOUT_MS', 5_000),
    redisCommandTimeoutMs: positiveFromEnv('NUXT_REDIS_COMMAND_TIMEOUT_MS', 1_000),
    socketQueueBytes: positiveFromEnv('NUXT_WS_MAX_QUEUED_BYTES', 4 * 1024 * 1024),
    connectionsPerIp: positiveFromEnv('NUXT_MAX_CONNECTIONS_PER_IP', 256),
    headersTimeoutMs: positiveFromEnv('NUXT_HEADERS_TIMEOUT_MS', 10_000),
    requestTimeoutMs: positiveFromEnv('NUXT_REQUEST_TIMEOUT_MS', 15_000),
  }
  return cached
}

/**
 * Runs `task`, or throws 503 `unavailable` once `ms` have passed. The task itself goes on
 * (a database operation cannot be called back); idempotent sends make that harmless: the
 * client's retry with the same clientId finds the message if it was stored after all.
 */
export async function withDeadline<T>(task: () => Promise<T>, ms = resilienceSettings().requestDeadlineMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const running = task()
  try {
    return await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(apiError('unavailable', 'The server could not store that in time; it will be retried.', { retryAfter: 2 })), ms)
      }),
    ])
  }
  finally {
    clearTimeout(timer)
    running.catch(() => {}) // a late failure of an abandoned task is not unhandled
  }
}

/**
 * Test-only fault point: when PARLEY_TEST_STOP_AT names this point and the send's clientId
 * starts with PARLEY_TEST_STOP_CLIENT_ID, the process logs it and stops itself (SIGSTOP), so
 * a fault test can kill it exactly there. Unset (always, in production) it does nothing.
 */
export function faultPoint(point: string, clientId: string | undefined): void {
  const stopAt = process.env.PARLEY_TEST_STOP_AT
  const prefix = process.env.PARLEY_TEST_STOP_CLIENT_ID
  if (!stopAt || stopAt !== point || !prefix || !clientId?.startsWith(prefix)) return
  logger.warn('fault point reached; stopping', { point, clientId })
  process.kill(process.pid, 'SIGSTOP')
}
