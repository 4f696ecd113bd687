import { getRequestIP, type H3Event } from 'h3'

/**
 * The client's IP address, for rate limits. `X-Forwarded-For` is believed only when
 * NUXT_TRUST_PROXY is set (behind Render's or another trusted proxy); otherwise anyone
 * could pick a fresh address per request.
 */
export function clientIp(event: H3Event): string {
  const trustProxy = ['1', 'true', 'yes'].includes((process.env.NUXT_TRUST_PROXY ?? '').toLowerCase())
  return getRequestIP(event, { xForwardedFor: trustProxy }) ?? 'unknown'
}
