import { describe, expect, it } from 'vitest'
import { addScriptNonce, createNonce, pageCsp } from '../../server/utils/security-headers'

describe('page Content-Security-Policy', () => {
  it('admits scripts only from the app and by nonce, and no framing', () => {
    const policy = pageCsp('abc', 'chat.example.com')
    expect(policy).toContain('script-src \'self\' \'nonce-abc\'')
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(policy).toContain('frame-ancestors \'none\'')
    expect(policy).toContain('object-src \'none\'')
  })

  it('allows the app\'s own WebSocket and nothing else', () => {
    expect(pageCsp('abc', 'chat.example.com')).toContain('connect-src \'self\' ws://chat.example.com wss://chat.example.com')
    expect(pageCsp('abc', '[::1]:3000')).toContain('wss://[::1]:3000')
  })

  it('never writes a malformed host into the policy', () => {
    expect(pageCsp('abc', 'evil.com; script-src *')).toContain('connect-src \'self\';')
    expect(pageCsp('abc', undefined)).toContain('connect-src \'self\';')
  })

  it('makes a fresh nonce every time', () => {
    expect(createNonce()).not.toBe(createNonce())
    expect(createNonce()).toMatch(/^[A-Za-z0-9+/]{24}$/)
  })
})

describe('addScriptNonce', () => {
  it('puts the nonce on every script tag once', () => {
    const html = '<script>window.__NUXT__={}</script><script type="module" src="/_nuxt/a.js"></script><script nonce="n">x</script>'
    expect(addScriptNonce(html, 'n')).toBe('<script nonce="n">window.__NUXT__={}</script><script nonce="n" type="module" src="/_nuxt/a.js"></script><script nonce="n">x</script>')
  })

  it('leaves look-alike tags alone', () => {
    expect(addScriptNonce('<scripts></scripts><noscript></noscript>', 'n')).toBe('<scripts></scripts><noscript></noscript>')
  })
})
