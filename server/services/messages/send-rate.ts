import { serverConfig } from '../../utils/config'
import { createBurstLimiter, enforceLimit, type Limiter } from '../../utils/rate-limit'

// One bucket per user for every send, HTTP or WebSocket: 10 messages/s with bursts of 30,
// shared by every instance through Redis when NUXT_REDIS_URL is set.
// NUXT_LIMITS_SEND_RATE / NUXT_LIMITS_SEND_BURST change it (the test servers raise it).

let limiter: Limiter | null = null

/** Takes one send from the user's bucket, or throws 429 `rate_limited` with Retry-After. */
export async function consumeSend(userId: string): Promise<void> {
  const { sendRate, sendBurst } = serverConfig().limits
  limiter ??= createBurstLimiter({ name: 'send', perSecond: sendRate, burst: sendBurst })
  await enforceLimit(limiter, userId, { message: 'You are sending too fast.' })
}
