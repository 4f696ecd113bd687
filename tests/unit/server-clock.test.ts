import { afterEach, describe, expect, it } from 'vitest'
import { learnFromDateHeader, learnServerTime, resetServerClock, serverNow } from '../../utils/server-clock'
import { formatLastSeen, formatTimeAgo } from '../../utils/format'

// The server's clock as the browser learns it (utils/server-clock.ts): each reading says the
// offset lies in a range; readings narrow it; one that fits none of the others (a clock set
// meanwhile) starts afresh. tests/e2e/clock-skew.spec.ts proves it in a browser.

const HOUR = 60 * 60_000
const local = Date.parse('2026-12-07T12:00:00.000Z')

afterEach(() => resetServerClock())

describe('serverNow', () => {
  it('is the viewer\'s clock until the server has said anything', () => {
    expect(serverNow(local)).toBe(local)
  })

  it('follows a clock 3 hours slow or fast, from one answer\'s Date header', () => {
    for (const skew of [-3 * HOUR, 3 * HOUR]) {
      resetServerClock()
      const server = local - skew
      learnFromDateHeader(new Date(server).toUTCString(), local - 40, local)
      expect(Math.abs(serverNow(local) - server)).toBeLessThanOrEqual(1_000)
    }
  })

  it('is precise to the round trip from the socket\'s ready, and a Date header cannot make it worse', () => {
    const server = local + 90 * 60_000 + 123
    learnServerTime({ earliest: server, latest: server, sentAt: local - 30, receivedAt: local })
    expect(Math.abs(serverNow(local) - server)).toBeLessThanOrEqual(30)
    learnFromDateHeader(new Date(server + 5_000).toUTCString(), local + 4_990, local + 5_010)
    expect(Math.abs(serverNow(local) - server)).toBeLessThanOrEqual(30)
  })

  it('starts afresh when the viewer\'s clock is set meanwhile', () => {
    learnServerTime({ earliest: local, latest: local, sentAt: local - 20, receivedAt: local })
    // The viewer's clock jumped an hour forward; the server's did not.
    learnServerTime({ earliest: local + 10_000, latest: local + 10_000, sentAt: local + HOUR + 9_980, receivedAt: local + HOUR + 10_000 })
    expect(Math.abs(serverNow(local + HOUR + 10_000) - (local + 10_000))).toBeLessThanOrEqual(20)
  })

  it('ignores a Date header it cannot read', () => {
    learnFromDateHeader('not a date', local, local)
    learnFromDateHeader(null, local, local)
    expect(serverNow(local)).toBe(local)
  })
})

describe('the relative phrases, by the server\'s clock', () => {
  const server = Date.parse('2026-12-07T12:00:00.000Z')
  for (const skew of [-3 * HOUR, 3 * HOUR]) {
    it(`say the truth with a clock ${skew < 0 ? 'slow' : 'fast'} by 3 hours`, () => {
      resetServerClock()
      const viewer = server + skew
      learnServerTime({ earliest: server, latest: server, sentAt: viewer, receivedAt: viewer })
      const now = new Date(viewer)
      expect(formatLastSeen(new Date(server - 10 * 60_000).toISOString(), now)).toBe('last seen 10 minutes ago')
      expect(formatTimeAgo(new Date(server - 20_000).toISOString(), now)).toBe('just now')
      expect(formatTimeAgo(new Date(server - 2 * 60_000).toISOString(), now)).toBe('2 minutes ago')
      expect(formatTimeAgo(new Date(server - HOUR).toISOString(), now)).toBe('1 hour ago')
      expect(formatTimeAgo(new Date(server - 5 * 24 * HOUR).toISOString(), now)).toBe('5 days ago')
    })
  }

  it('call a time a second in the future (the correction\'s own error) just now', () => {
    const now = new Date(server)
    expect(formatTimeAgo(new Date(server + 1_000).toISOString(), now)).toBe('just now')
    expect(formatLastSeen(new Date(server + 1_000).toISOString(), now)).toBe('last seen just now')
  })
})
