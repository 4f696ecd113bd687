import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { useRuntimeConfig } from 'nitropack/runtime'

// Account settings from the runtime config (every key can be set as NUXT_<KEY>).

export interface AccountLimits {
  loginFailuresPerAccount: number
  loginFailuresPerIp: number
  loginWindowSeconds: number
  signupsPerIp: number
  mailsPerIp: number
  mailResendSeconds: number
}

export interface AccountSettings {
  appUrl: string
  appOrigin: string
  allowedOrigins: string[]
  /** Cookies get `Secure` when the app is served over HTTPS. */
  secureCookies: boolean
  smtpUrl: string
  mailFrom: string
  redisUrl: string
  limits: AccountLimits
}

let cached: AccountSettings | undefined

export function accountSettings(): AccountSettings {
  if (cached) return cached
  const config = useRuntimeConfig()
  const appUrl = String(config.public.appUrl || 'http://localhost:3000').replace(/\/+$/, '')
  const limits = (config.limits ?? {}) as Partial<AccountLimits>
  cached = {
    appUrl,
    appOrigin: originOf(appUrl) ?? 'http://localhost:3000',
    allowedOrigins: String(config.allowedOrigins ?? '').split(',').map(origin => originOf(origin.trim())).filter((origin): origin is string => !!origin),
    secureCookies: appUrl.startsWith('https://'),
    smtpUrl: String(config.smtpUrl ?? ''),
    mailFrom: String(config.mailFrom || 'Parley <no-reply@localhost>'),
    redisUrl: String(config.redisUrl ?? ''),
    limits: {
      loginFailuresPerAccount: positive(limits.loginFailuresPerAccount, 5),
      loginFailuresPerIp: positive(limits.loginFailuresPerIp, 100),
      loginWindowSeconds: positive(limits.loginWindowSeconds, 900),
      signupsPerIp: positive(limits.signupsPerIp, 500),
      mailsPerIp: positive(limits.mailsPerIp, 1000),
      mailResendSeconds: positive(limits.mailResendSeconds, 60),
    },
  }
  return cached
}

function positive(value: unknown, fallback: number): number {
  const number = Number(value)
  return Number.isFinite(number) && number > 0 ? number : fallback
}

/** `scheme://host[:port]` of a URL, or null when it is not one. */
export function originOf(url: string): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url)
    return parsed.origin === 'null' ? null : parsed.origin
  }
  catch {
    return null
  }
}

let secret: Uint8Array | undefined

/**
 * The HS256 key. Production requires NUXT_JWT_SECRET (server/plugins/00.config.ts);
 * in development one is generated once and kept in `.data/jwt-secret`, so sessions
 * survive restarts.
 */
export function jwtSecret(): Uint8Array {
  if (secret) return secret
  let value = String(useRuntimeConfig().jwtSecret ?? '')
  if (!value) {
    const file = resolve(process.cwd(), '.data/jwt-secret')
    try {
      value = readFileSync(file, 'utf8').trim()
    }
    catch {
      value = randomBytes(48).toString('base64url')
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, `${value}\n`, { mode: 0o600 })
    }
  }
  secret = new TextEncoder().encode(value)
  return secret
}
