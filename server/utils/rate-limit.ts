import { Redis } from 'ioredis'
import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible'
import { serverConfig } from './config'
import { apiError } from './errors'
import { logger, errorName } from './logger'

// Rate limits with rate-limiter-flexible: in process memory by default, shared between
// instances in Redis when NUXT_REDIS_URL is set (with an in-memory fallback while Redis
// is unreachable, so an outage never locks everyone out).

export interface LimitResult {
  allowed: boolean
  /** Seconds until the next attempt may pass (0 when allowed). */
  retryAfterSeconds: number
  remaining: number
}

export interface Limiter {
  /** Takes `points` (default 1); refused when the key is over its limit. */
  consume(key: string, points?: number): Promise<LimitResult>
  /** Whether the key is over its limit now, without taking anything. */
  check(key: string): Promise<LimitResult>
  /** Refuses the key for `seconds` from now (a lockout). */
  block(key: string, seconds: number): Promise<void>
  /** Forgets the key (for example an account's failed logins after a success). */
  reset(key: string): Promise<void>
}

export interface LimiterOptions {
  /** Unique per limiter: the key prefix in Redis. */
  name: string
  points: number
  durationSeconds: number
  /** Once over the limit, refuse for this long (default: until the window ends). */
  blockSeconds?: number
}

let redis: Redis | null | undefined

function redisClient(): Redis | null {
  if (redis !== undefined) return redis
  const url = serverConfig().redisUrl
  if (!url) return (redis = null)
  // rate-limiter-flexible wants failures at once rather than queued while Redis is away.
  redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
  redis.on('error', error => logger.warn('rate-limit redis error', { error: errorName(error) }))
  return redis
}

/** Closes the limiters' Redis connection (Nitro's close hook: requests still finishing keep their shared limits). */
export async function closeRateLimitStore(): Promise<void> {
  const client = redis
  redis = null
  await client?.quit().catch(() => {})
}

function storeLimiter(options: { keyPrefix: string, points: number, duration: number, blockDuration?: number }): RateLimiterAbstract {
  const memory = new RateLimiterMemory(options)
  const client = redisClient()
  if (!client) return memory
  return new RateLimiterRedis({ ...options, storeClient: client, insuranceLimiter: memory })
}

function toResult(res: RateLimiterRes | null, allowed: boolean): LimitResult {
  return {
    allowed,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((res?.msBeforeNext ?? 1000) / 1000)),
    remaining: Math.max(0, res?.remainingPoints ?? 0),
  }
}

async function consumeWith(limiter: RateLimiterAbstract | BurstyRateLimiter, key: string, points: number): Promise<LimitResult> {
  try {
    return toResult(await limiter.consume(key, points), true)
  }
  catch (rejection) {
    if (rejection instanceof RateLimiterRes) return toResult(rejection, false)
    throw rejection
  }
}

/** A fixed-window limit: `points` per `durationSeconds` per key. */
export function createLimiter({ name, points, durationSeconds, blockSeconds }: LimiterOptions): Limiter {
  const limiter = storeLimiter({ keyPrefix: `rl:${name}`, points, duration: durationSeconds, blockDuration: blockSeconds ?? 0 })
  return {
    consume: (key, amount = 1) => consumeWith(limiter, key, amount),
    async check(key) {
      const res = await limiter.get(key)
      const allowed = !res || res.consumedPoints < points
      return toResult(res, allowed)
    },
    async block(key, seconds) {
      await limiter.block(key, seconds)
    },
    async reset(key) {
      await limiter.delete(key)
    },
  }
}

/**
 * A steady rate with bursts: `perSecond` points each second, and up to `burst` at once
 * (the extra `burst - perSecond` refill over `burstWindowSeconds`, or over the time the
 * steady rate takes to earn them when that is longer). The per-user send bucket (10/s,
 * bursts of 30) is `createBurstLimiter({ name: 'send', perSecond: 10, burst: 30 })`.
 * A rate under one per second is one point per `1 / perSecond` seconds: a test that must
 * see the bucket run dry, whatever the machine's speed, sets one so slow (0.001) that
 * nothing refills while it runs (tests/api/send-limits.test.ts).
 */
export function createBurstLimiter({ name, perSecond, burst, burstWindowSeconds = 3 }: { name: string, perSecond: number, burst: number, burstWindowSeconds?: number }): Limiter {
  const steadyPoints = Math.max(1, Math.floor(perSecond))
  const steadySeconds = perSecond >= 1 ? 1 : Math.round(1 / perSecond)
  const extraPoints = Math.max(1, burst - steadyPoints)
  const extraSeconds = Math.max(burstWindowSeconds, Math.ceil(extraPoints / perSecond))
  const steady = storeLimiter({ keyPrefix: `rl:${name}`, points: steadyPoints, duration: steadySeconds })
  const extra = storeLimiter({ keyPrefix: `rl:${name}:burst`, points: extraPoints, duration: extraSeconds })
  const limiter = new BurstyRateLimiter(steady, extra)
  return {
    consume: (key, amount = 1) => consumeWith(limiter, key, amount),
    async check(key) {
      const [a, b] = await Promise.all([steady.get(key), extra.get(key)])
      const allowed = !a || a.consumedPoints < steadyPoints || !b || b.consumedPoints < extraPoints
      return toResult(allowed ? null : b, allowed)
    },
    async block(key, seconds) {
      await Promise.all([steady.block(key, seconds), extra.block(key, seconds)])
    },
    async reset(key) {
      await Promise.all([steady.delete(key), extra.delete(key)])
    },
  }
}

/** Takes a point or throws 429 `rate_limited` with Retry-After. */
export async function enforceLimit(limiter: Limiter, key: string, message?: string, points = 1): Promise<void> {
  const result = await limiter.consume(key, points)
  if (!result.allowed) throw apiError('rate_limited', message, { retryAfter: result.retryAfterSeconds })
}

/** Throws 429 when the key is already over its limit (takes nothing). */
export async function assertUnderLimit(limiter: Limiter, key: string, message?: string): Promise<void> {
  const result = await limiter.check(key)
  if (!result.allowed) throw apiError('rate_limited', message, { retryAfter: result.retryAfterSeconds })
}
