import { Redis } from 'ioredis'
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible'
import { serverConfig } from './config'
import { apiError } from './errors'
import { logger, errorName } from './logger'
import { resilienceSettings } from './resilience'

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
  // Failures at once rather than queued while Redis is away, and a deadline on every
  // command: a stalled Redis falls back to the in-memory limiter as an error does.
  redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: resilienceSettings().redisCommandTimeoutMs,
    lazyConnect: false,
  })
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
  return new RateLimiterRedis({ ...options, storeClient: client, insuranceLimiter: memory, rejectIfRedisNotReady: true })
}

function toResult(res: RateLimiterRes | null, allowed: boolean): LimitResult {
  return {
    allowed,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((res?.msBeforeNext ?? 1000) / 1000)),
    remaining: Math.max(0, res?.remainingPoints ?? 0),
  }
}

async function consumeWith(limiter: RateLimiterAbstract, key: string, points: number): Promise<LimitResult> {
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

/** A token bucket's state: `tokens` left at time `at` (ms). */
interface Bucket { tokens: number, at: number }

// Refill, take, and report in one step in Redis (its own clock, so instances agree).
const TOKEN_BUCKET_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1]) or burst
local at = tonumber(saved[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
if cost > 0 and tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
if cost > 0 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
end
local wait = 0
if allowed == 0 then wait = math.ceil((math.max(cost, 1) - tokens) * 1000 / rate) end
return { allowed, wait, math.floor(tokens) }
`

/**
 * A token bucket: holds up to `burst` sends and refills `perSecond` each second, so a
 * quiet user may send `burst` at once and anyone at most `perSecond` on average, exactly
 * (the per-user send bucket is 10/s with bursts of 30). In Redis when configured (one Lua
 * step), in memory otherwise or while Redis errs or stalls. `now` is injectable for tests.
 * A rate under one per second works as well: a test that must see the bucket run dry,
 * whatever the machine's speed, sets one so slow (0.001) that nothing refills while it runs.
 */
export function createBurstLimiter({ name, perSecond, burst, now = Date.now }: { name: string, perSecond: number, burst: number, now?: () => number }): Limiter {
  const buckets = new Map<string, Bucket>()
  const blockedUntil = new Map<string, number>()
  const prefix = `rl:${name}:bucket:`

  function inMemory(key: string, cost: number): LimitResult {
    const time = now()
    const saved = buckets.get(key) ?? { tokens: burst, at: time }
    const tokens = Math.min(burst, saved.tokens + Math.max(0, time - saved.at) * perSecond / 1000)
    const allowed = cost > 0 && tokens >= cost
    const left = allowed ? tokens - cost : tokens
    if (cost > 0) buckets.set(key, { tokens: left, at: time })
    if (buckets.size > 100_000) buckets.clear() // a bucket forgotten is a full one: generous, never wrong the other way
    const waitMs = allowed ? 0 : Math.ceil((Math.max(cost, 1) - left) * 1000 / perSecond)
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(waitMs / 1000)), remaining: Math.floor(left) }
  }

  async function take(key: string, cost: number): Promise<LimitResult> {
    const until = blockedUntil.get(key)
    if (until !== undefined) {
      if (until > now()) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now()) / 1000)), remaining: 0 }
      blockedUntil.delete(key)
    }
    const client = redisClient()
    if (!client) return inMemory(key, cost)
    try {
      const [allowed, waitMs, remaining] = await client.eval(TOKEN_BUCKET_SCRIPT, 1, prefix + key, perSecond, burst, cost) as [number, number, number]
      return { allowed: allowed === 1, retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(waitMs / 1000)), remaining }
    }
    catch (error) {
      logger.warn('rate limit store unavailable; limiting in memory', { limiter: name, error: errorName(error) })
      return inMemory(key, cost)
    }
  }

  return {
    consume: (key, amount = 1) => take(key, amount),
    check: key => take(key, 0).then(result => ({ ...result, allowed: result.remaining >= 1 && !blockedUntil.has(key) })),
    async block(key, seconds) {
      blockedUntil.set(key, now() + seconds * 1000)
    },
    async reset(key) {
      buckets.delete(key)
      blockedUntil.delete(key)
      await redisClient()?.del(prefix + key).catch(() => {})
    },
  }
}

export interface EnforceOptions {
  /** Words the 429, from the wait when it is a function (else the contract's generic sentence). */
  message?: string | ((retryAfterSeconds: number) => string)
  /** Points to take (1 by default); 0 only looks: the check before work that counts only when it fails, like a password's. */
  points?: number
}

/** The one 429 helper: takes the points, or throws 429 `rate_limited` with Retry-After past the limit. */
export async function enforceLimit(limiter: Limiter, key: string, { message, points = 1 }: EnforceOptions = {}): Promise<void> {
  const result = points === 0 ? await limiter.check(key) : await limiter.consume(key, points)
  if (result.allowed) return
  const text = typeof message === 'function' ? message(result.retryAfterSeconds) : message
  throw apiError('rate_limited', text, { retryAfter: result.retryAfterSeconds })
}
