import { createHash, randomBytes, webcrypto } from 'node:crypto'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { jwtSecret } from './config'

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000
const ISSUER = 'parley'
const AUDIENCE = 'parley-api'

let signingKey: { secret: Uint8Array, key: Promise<webcrypto.CryptoKey> } | undefined

/**
 * The JWT secret imported once as an HMAC key. Given the raw bytes, jose imports them again at
 * every sign and verify: half of a verify's CPU (about 130 against 65 µs here), paid by every
 * request and upgrade (the reconnect storm of docs/benchmarks.md, M5, spent 6% of the server's
 * CPU there).
 */
function accessTokenKey(): Promise<webcrypto.CryptoKey> {
  const secret = jwtSecret()
  if (signingKey?.secret !== secret) {
    signingKey = { secret, key: webcrypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']) }
  }
  return signingKey.key
}

export interface AccessClaims {
  userId: string
  sessionId: string
}

export async function signAccessToken({ userId, sessionId }: AccessClaims): Promise<{ token: string, expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000)
  const expiresAt = new Date((now + ACCESS_TOKEN_TTL_SECONDS) * 1000)
  const token = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
    .sign(await accessTokenKey())
  return { token, expiresAt }
}

/** The claims of a valid, unexpired access token of ours; null for anything else. */
export async function verifyAccessToken(token: string): Promise<AccessClaims | null> {
  if (!token || token.length > 4096) return null
  try {
    const { payload } = await jwtVerify(token, await accessTokenKey(), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'iss', 'aud', 'sub'],
    })
    const sessionId = payload.sid
    if (typeof payload.sub !== 'string' || typeof sessionId !== 'string') return null
    if (!/^[0-9a-f]{24}$/.test(payload.sub) || !/^[0-9a-f]{24}$/.test(sessionId)) return null
    return { userId: payload.sub, sessionId }
  }
  catch (error) {
    if (error instanceof joseErrors.JOSEError) return null
    throw error
  }
}

/** A random secret for refresh and mail tokens (256 bits, URL-safe). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** Secrets are stored as their SHA-256 only: a leaked database yields no usable token. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** A refresh token names its session: `<sessionId>.<secret>`. */
export function formatRefreshToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`
}

export function parseRefreshToken(token: string | undefined): { sessionId: string, secret: string } | null {
  if (!token || token.length > 200) return null
  const match = /^([0-9a-f]{24})\.([\w-]{20,100})$/.exec(token)
  return match ? { sessionId: match[1]!, secret: match[2]! } : null
}
