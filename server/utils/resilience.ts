import { serverConfig } from './config'
import { apiError } from './errors'
import { logger } from './logger'

// What keeps Parley answering when the database, Redis or a client misbehaves
// (docs/guarantees.md): the timeouts and caps, one deadline helper, and the test-only
// fault hook. The numbers come from the configuration module (NUXT_TIMINGS_*, NUXT_LIMITS_*).

export interface ResilienceSettings {
  requestDeadlineMs: number
  clientKeyLeaseMs: number
  dbOperationTimeoutMs: number
  redisCommandTimeoutMs: number
  socketQueueBytes: number
  connectionsPerIp: number
  headersTimeoutMs: number
  keepAliveTimeoutMs: number
  requestTimeoutMs: number
  uploadProgressMs: number
  uploadMinProgressBytes: number
}

/** The fault settings from the configuration module (server/utils/config.ts documents each). */
export function resilienceSettings(): ResilienceSettings {
  const { limits, timings, attachments } = serverConfig()
  return {
    requestDeadlineMs: timings.requestDeadlineMs,
    clientKeyLeaseMs: timings.clientKeyLeaseMs,
    dbOperationTimeoutMs: timings.dbOperationTimeoutMs,
    redisCommandTimeoutMs: timings.redisCommandTimeoutMs,
    socketQueueBytes: limits.wsMaxQueuedBytes,
    connectionsPerIp: limits.connectionsPerIp,
    headersTimeoutMs: timings.headersTimeoutMs,
    keepAliveTimeoutMs: timings.keepAliveTimeoutMs,
    requestTimeoutMs: timings.requestTimeoutMs,
    uploadProgressMs: timings.uploadProgressMs,
    uploadMinProgressBytes: attachments.minProgressBytes,
  }
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

const faultPointsReached = new Set<string>()

/**
 * Test-only fault point: when the configuration names this point (PARLEY_TEST_STOP_AT, a
 * comma-separated list, only under vitest) and the send's clientId starts with
 * PARLEY_TEST_STOP_CLIENT_ID, the process logs it and stops itself (SIGSTOP), once per point
 * and clientId, so a fault test can kill or resume it exactly there.
 */
export function faultPoint(point: string, clientId: string | undefined): void {
  const fault = serverConfig().faultPoint
  if (!fault || !fault.stopAt.includes(point) || !clientId?.startsWith(fault.clientIdPrefix)) return
  // Once per point and send: a writer that walks on to the next seq passes the point again.
  if (faultPointsReached.has(`${point}:${clientId}`)) return
  faultPointsReached.add(`${point}:${clientId}`)
  logger.warn('fault point reached; stopping', { point, clientId })
  process.kill(process.pid, 'SIGSTOP')
}
