import { describe, expect, it } from 'vitest'
import { forwardedClientIp } from '../../server/utils/client-ip'
import { trustedProxyHops } from '../../server/utils/config-schema'

describe('trustedProxyHops (NUXT_TRUST_PROXY)', () => {
  it('trusts no proxy unless told', () => {
    expect(trustedProxyHops(undefined)).toBe(0)
    expect(trustedProxyHops('')).toBe(0)
    expect(trustedProxyHops('0')).toBe(0)
    expect(trustedProxyHops('false')).toBe(0)
    expect(trustedProxyHops('no')).toBe(0)
  })

  it('has no answer for what it cannot read, so the boot stops instead of trusting no proxy', () => {
    expect(trustedProxyHops('one')).toBeNull()
    expect(trustedProxyHops('nonsense')).toBeNull()
    expect(trustedProxyHops('-1')).toBeNull()
    expect(trustedProxyHops('1.5')).toBeNull()
  })

  it('reads a hop count, with true/yes meaning one proxy', () => {
    expect(trustedProxyHops('1')).toBe(1)
    expect(trustedProxyHops('true')).toBe(1)
    expect(trustedProxyHops('YES')).toBe(1)
    expect(trustedProxyHops('2')).toBe(2)
  })
})

describe('forwardedClientIp', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(forwardedClientIp('203.0.113.7', 0)).toBeUndefined()
  })

  it('takes the address the trusted proxy appended, not what the client wrote', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    expect(forwardedClientIp('1.2.3.4, 203.0.113.7', 1)).toBe('203.0.113.7')
    expect(forwardedClientIp('203.0.113.7', 1)).toBe('203.0.113.7')
  })

  it('walks one entry left per extra trusted proxy, never past the first', () => {
    expect(forwardedClientIp('1.2.3.4, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7')
    expect(forwardedClientIp('203.0.113.7', 3)).toBe('203.0.113.7')
  })

  it('has no answer for an empty header', () => {
    expect(forwardedClientIp(undefined, 1)).toBeUndefined()
    expect(forwardedClientIp(' , ', 1)).toBeUndefined()
  })
})
