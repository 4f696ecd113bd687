import { getRequestHeader, getRequestIP, type H3Event } from 'h3'

/**
 * How many reverse proxies in front of the server append to `X-Forwarded-For`
 * (NUXT_TRUST_PROXY): `1` (or `true`) behind one, such as Render's load balancer;
 * unset or `0` when clients connect directly. Read from the environment rather than
 * the runtime config so plain vitest can import this file; Nitro reads the same variable.
 */
export function trustedProxyHops(setting = process.env.NUXT_TRUST_PROXY): number {
  const value = (setting ?? '').trim().toLowerCase()
  if (['true', 'yes'].includes(value)) return 1
  const hops = Number.parseInt(value, 10)
  return Number.isFinite(hops) && hops > 0 ? hops : 0
}

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
  const forwarded = forwardedClientIp(getRequestHeader(event, 'x-forwarded-for'), trustedProxyHops())
  return forwarded ?? getRequestIP(event) ?? 'unknown'
}
