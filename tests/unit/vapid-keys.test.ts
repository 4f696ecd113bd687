import { createECDH } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// The VAPID key pair (docs/messages.md, "Web Push", "The keys"): without NUXT_VAPID_* it
// is generated once and kept in .data/vapid-keys.json, like the JWT secret, because every
// subscription is bound to the public key it was made with: a new pair at each start
// would end them all. Each "start" here is a fresh copy of the configuration module.

let home: string
const startedIn = process.cwd()

/** The keys as a server started now in `home` would sign with. */
async function keysOfANewStart(runtime: Record<string, unknown> = {}) {
  vi.resetModules()
  const config = await import('../../server/utils/config')
  config.loadServerConfig(runtime)
  return config.vapidKeys()
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'parley-vapid-'))
  process.chdir(home)
})

afterEach(() => {
  process.chdir(startedIn)
  rmSync(home, { recursive: true, force: true })
})

describe('the VAPID keys', () => {
  it('are generated once, kept readable by the server alone, and the same at the next start', async () => {
    const first = await keysOfANewStart()
    // A P-256 pair: the uncompressed public point (65 bytes) and a 32-byte private key that derives it.
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65)
    expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32)
    const ecdh = createECDH('prime256v1')
    ecdh.setPrivateKey(Buffer.from(first.privateKey, 'base64url'))
    expect(ecdh.getPublicKey().toString('base64url')).toBe(first.publicKey)

    const file = join(home, '.data/vapid-keys.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ publicKey: first.publicKey, privateKey: first.privateKey })

    const second = await keysOfANewStart()
    expect(second.publicKey).toBe(first.publicKey)
    expect(second.privateKey).toBe(first.privateKey)
  })

  it('come from NUXT_VAPID_* when set, and then nothing is written', async () => {
    const given = createECDH('prime256v1')
    given.generateKeys()
    const publicKey = given.getPublicKey().toString('base64url')
    const privateKey = given.getPrivateKey().toString('base64url')
    const keys = await keysOfANewStart({ vapid: { publicKey, privateKey, subject: 'mailto:ops@chat.example' } })
    expect(keys).toEqual({ publicKey, privateKey, subject: 'mailto:ops@chat.example' })
    expect(existsSync(join(home, '.data/vapid-keys.json'))).toBe(false)
  })

  it('name the app\'s https URL as the contact by default, else the mail sender', async () => {
    expect((await keysOfANewStart({ public: { appUrl: 'https://chat.example' } })).subject).toBe('https://chat.example')
    expect((await keysOfANewStart({ public: { appUrl: 'http://localhost:3000' }, mailFrom: 'Parley <noreply@chat.example>' })).subject).toBe('mailto:noreply@chat.example')
  })
})
