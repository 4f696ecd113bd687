import { getRequestHeader, getRequestIP, type H3Event } from 'h3'
import { serverConfig } from './config'

/**
 * The client address from `X-Forwarded-For` behind `hops` trusted proxies: each proxy
 * appends the address it saw, so the client is `hops` entries from the right. Entries
 * further left were written by the client itself and prove nothing.
 */
export function forwardedClientIp(forwardedFor: string | undefined, hops: number): string | undefined {
  if (hops <= 0 || !forwardedFor) return undefined
  const chain = forwardedFor.split(',').map(entry => entry.trim()).filter(Boolean)
  if (chain.length === 0) return undefined
  return chain[Math.max(0, chain.length - hops)]
}

/**
 * The client's IP address, for rate limits. `X-Forwarded-For` is believed only when
 * NUXT_TRUST_PROXY is set (behind Render's or another trusted proxy); otherwise anyone
 * could pick a fresh address per request.
 */
export function clientIp(event: H3Event): string {
  const forwarded = forwardedClientIp(getRequestHeader(event, 'x-forwarded-for'), serverConfig().trustProxyHops)
  return forwarded ?? getRequestIP(event) ?? 'unknown'
}
