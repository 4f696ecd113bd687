import { randomBytes } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { openSecret, sealSecret } from '../../server/utils/sealed-secrets'

// TOTP secrets at rest (server/utils/sealed-secrets.ts, docs/security.md).
const key = randomBytes(32)
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

describe('sealed secrets', () => {
  it('seal a secret so that only the key opens it, differently each time', () => {
    const sealed = sealSecret(SECRET, key)
    expect(sealed).toMatch(/^v1:[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(sealed).not.toContain(SECRET)
    expect(sealSecret(SECRET, key)).not.toBe(sealed)
    expect(openSecret(sealed, key)).toBe(SECRET)
    expect(openSecret(sealed, randomBytes(32))).toBeNull()
  })

  it('refuse a sealed value that was altered', () => {
    const [iv, body, tag] = sealSecret(SECRET, key).slice(3).split('.')
    const flipped = Buffer.from(body!, 'base64url')
    flipped[0]! ^= 1
    expect(openSecret(`v1:${iv}.${flipped.toString('base64url')}.${tag}`, key)).toBeNull()
    expect(openSecret('v1:garbage', key)).toBeNull()
  })

  it('read a secret stored before sealing began as it is', () => {
    expect(openSecret(SECRET, key)).toBe(SECRET)
  })
})

describe('a secret sealed under another key', () => {
  it('is told once in the log, without the secret, so a restore under another NUXT_JWT_SECRET can be found', async () => {
    vi.resetModules()
    const fresh = await import('../../server/utils/sealed-secrets')
    const sealed = fresh.sealSecret(SECRET, randomBytes(32))
    let written = ''
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written += String(chunk)
      return true
    })
    try {
      expect(fresh.openSecret(sealed, key)).toBeNull()
      expect(fresh.openSecret(sealed, key)).toBeNull()
    }
    finally {
      stderr.mockRestore()
    }
    const lines = written.split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/WARN .*sealed under another NUXT_JWT_SECRET/)
    expect(written).not.toContain(SECRET)
    expect(written).not.toContain(sealed)
  })
})
