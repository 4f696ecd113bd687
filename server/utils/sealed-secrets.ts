import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { secretSealingKey } from './config'
import { logger } from './logger'

// Secrets the server must read back (the TOTP secret checks every code), sealed at rest
// with AES-256-GCM under a key derived from the JWT secret (config.ts secretSealingKey):
// `v1:<iv>.<ciphertext>.<tag>`, base64url. GCM's tag also refuses a value edited in the
// database. tests/unit/sealed-secrets.test.ts proves it.

const PREFIX = 'v1:'

export function sealSecret(plain: string, key: Buffer = secretSealingKey()): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return `${PREFIX}${[iv, sealed, cipher.getAuthTag()].map(part => part.toString('base64url')).join('.')}`
}

export const isSealed = (stored: string) => stored.startsWith(PREFIX)

/**
 * The secret inside `stored`; null when it cannot be opened (another key: the JWT secret
 * was rotated, or the value was altered). A value without the prefix was stored before
 * sealing began and is returned as it is.
 */
export function openSecret(stored: string, key: Buffer = secretSealingKey()): string | null {
  if (!isSealed(stored)) return stored
  const [iv, sealed, tag] = stored.slice(PREFIX.length).split('.').map(part => Buffer.from(part, 'base64url'))
  if (!iv || !sealed || !tag || iv.length !== 12 || tag.length !== 16) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8')
  }
  catch {
    warnSealedUnderAnotherKey()
    return null
  }
}

const SEAL_WARN_MS = 10 * 60_000
let warnedAt = -Infinity

/**
 * A restore into a server with another NUXT_JWT_SECRET broke every authenticator app
 * silently: each person thought they had typed the code wrong. One warn line every ten
 * minutes says why (no secret or account in it); docs/deploy.md ("Backups") says to keep
 * the secret with the dumps.
 */
function warnSealedUnderAnotherKey(now = Date.now()) {
  if (now - warnedAt < SEAL_WARN_MS) return
  warnedAt = now
  logger.warn('a two-factor secret does not open with the current key: it was sealed under another NUXT_JWT_SECRET (a database restored without its secret?) or altered; its authenticator codes are refused, recovery codes still work')
}
