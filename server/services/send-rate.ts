import { createBurstLimiter, enforceLimit, type Limiter } from '../utils/rate-limit'

// One bucket per user for every send, HTTP or WebSocket: 10 messages/s with bursts of 30,
// shared by every instance through Redis when NUXT_REDIS_URL is set.
// PARLEY_SEND_RATE / PARLEY_SEND_BURST change it (the test servers raise it).

let limiter: Limiter | null = null

function numberFromEnv(name: string, fallback: number): number {
  const value = Number.parseInt(process.env[name] ?? '', 10)
  return Number.isFinite(value) && value > 0 ? value : fallback
}

/** Takes one send from the user's bucket, or throws 429 `rate_limited` with Retry-After. */
export async function consumeSend(userId: string): Promise<void> {
  limiter ??= createBurstLimiter({ name: 'send', perSecond: numberFromEnv('PARLEY_SEND_RATE', 10), burst: numberFromEnv('PARLEY_SEND_BURST', 30) })
  await enforceLimit(limiter, userId, 'You are sending too fast.')
}
