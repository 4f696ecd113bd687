import { ref } from 'vue'

// The server's clock as the browser can know it. Times the server sends (a typing entry's
// end, a mute's end, a token's expiry, when someone was last seen) are compared with "now"
// here, never with the viewer's own clock, which is often minutes or hours off (docs/ui.md,
// "The viewer's clock"; tests/unit/server-clock.test.ts, tests/e2e/clock-skew.spec.ts).

/** The server's clock minus the viewer's, in ms: reactive, so a computed that asks follows a correction. */
const offset = ref(0)
/** What every reading so far allows the offset to be (a reading only says "somewhere in here"). */
let low = Number.NEGATIVE_INFINITY
let high = Number.POSITIVE_INFINITY

/** The server's time (ms since epoch) at a reading of the viewer's clock, by default now. */
export function serverNow(localNow: number = Date.now()): number {
  return localNow + offset.value
}

/** The offset itself (ms): for a clock that must tell when its correction changed. */
export function serverClockOffset(): number {
  return offset.value
}

export interface ServerTimeReading {
  /** The server's clock said at least this (ms)... */
  earliest: number
  /** ...and at most this... */
  latest: number
  /** ...at some moment while the viewer's clock went from `sentAt` to `receivedAt`. */
  sentAt: number
  receivedAt: number
}

/**
 * Narrows the offset by one reading: the readings' ranges are intersected, so each one can
 * only make it more precise. A reading that agrees with none of the earlier ones means a
 * clock was set meanwhile (or the browser slept): it starts afresh.
 */
export function learnServerTime(reading: ServerTimeReading): void {
  const readingLow = reading.earliest - reading.receivedAt
  const readingHigh = reading.latest - reading.sentAt
  if (!(readingLow <= readingHigh)) return
  if (readingLow > high || readingHigh < low) {
    low = readingLow
    high = readingHigh
  }
  else {
    low = Math.max(low, readingLow)
    high = Math.min(high, readingHigh)
  }
  const next = Math.round((low + high) / 2)
  if (next !== offset.value) offset.value = next
}

/**
 * A response's `Date` header: whole seconds, cut down (RFC 9110). (Node renews its cached
 * copy by a timer, late by the event loop's lag at worst: an error of that much, no more.)
 */
export function learnFromDateHeader(date: string | null | undefined, sentAt: number, receivedAt: number): void {
  const at = date ? Date.parse(date) : Number.NaN
  if (Number.isFinite(at)) learnServerTime({ earliest: at, latest: at + 999, sentAt, receivedAt })
}

/** Forgets every reading (tests). */
export function resetServerClock(): void {
  low = Number.NEGATIVE_INFINITY
  high = Number.POSITIVE_INFINITY
  offset.value = 0
}
