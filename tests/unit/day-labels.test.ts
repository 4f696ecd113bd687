import { afterEach, describe, expect, it, vi } from 'vitest'
import { learnServerTime, resetServerClock } from '../../utils/server-clock'
import { dayLabel, localDay } from '../../utils/timeline'
import { formatEdited, formatLastSeen, formatListTime } from '../../utils/format'

// Which day is "today" follows the server's clock as the app knows it (utils/server-clock.ts),
// the calendar day in the viewer's time zone; the separators name the day in the browser's
// language (docs/ui.md, "Day separators"). tests/e2e/day-labels.spec.ts proves it in a browser.

const HOUR = 60 * 60_000
const server = new Date(2026, 11, 7, 12, 0).getTime()

/** The viewer's clock, `hours` off the server's, after the app heard the server's time. */
function viewerClockOff(hours: number) {
  const viewer = server + hours * HOUR
  vi.useFakeTimers({ now: viewer, toFake: ['Date'] })
  learnServerTime({ earliest: server, latest: server, sentAt: viewer, receivedAt: viewer })
}

afterEach(() => {
  vi.useRealTimers()
  resetServerClock()
})

describe('today, by the server\'s clock', () => {
  for (const hours of [-24, -13, 13, 24]) {
    it(`a clock ${Math.abs(hours)} hours ${hours < 0 ? 'slow' : 'fast'} still calls today today and yesterday yesterday`, () => {
      viewerClockOff(hours)
      const now = new Date(server).toISOString()
      expect(dayLabel(localDay(now), undefined, 'en-US')).toBe('Today')
      expect(dayLabel(localDay(new Date(server - 24 * HOUR).toISOString()), undefined, 'en-US')).toBe('Yesterday')
      expect(formatListTime(new Date(server - HOUR).toISOString())).toMatch(/^\d{1,2}:\d{2}/)
      expect(formatLastSeen(new Date(server - 3 * HOUR).toISOString())).toMatch(/^last seen today at /)
      expect(formatLastSeen(new Date(server - 24 * HOUR).toISOString())).toMatch(/^last seen yesterday at /)
    })
  }
})

describe('the separators\' language', () => {
  const now = new Date(server)
  it('is the browser\'s for today, yesterday and older days alike, capitalised as a label', () => {
    expect(['2026-12-07', '2026-12-06', '2026-11-30'].map(day => dayLabel(day, now, 'de-DE'))).toEqual(['Heute', 'Gestern', 'Montag, 30. November'])
    expect(['2026-12-07', '2026-12-06', '2026-11-30'].map(day => dayLabel(day, now, 'en-US'))).toEqual(['Today', 'Yesterday', 'Monday, November 30'])
    expect(dayLabel('2025-12-31', now, 'fr-FR')).toBe('mercredi 31 décembre 2025')
    expect(dayLabel('2026-12-06', now, 'fr-FR')).toBe('Hier')
  })
})

describe('the edited mark', () => {
  it('says "Edited" and the date and time, in the browser\'s format', () => {
    const editedAt = new Date(2026, 11, 7, 14, 5).toISOString()
    expect(formatEdited(editedAt, 'en-US')).toMatch(/^Edited Dec 7, 2026, 2:05\sPM$/)
    expect(formatEdited(editedAt, 'de-DE')).toBe('Edited 07.12.2026, 14:05')
  })
})
