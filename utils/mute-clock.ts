// The clock behind timed mutes ("Mute for 1 hour"): it ticks only when a mute ends, so
// everything that asked isMuted() inside a computed (the dimmed badge, the title's total)
// updates at that moment without a reload or a ticking interval (docs/messages.md,
// "Notification settings"; tests/components/mute-expiry.test.ts).

const now = ref(Date.now())
let timer: ReturnType<typeof setTimeout> | undefined
let timerAt = Number.POSITIVE_INFINITY
/** setTimeout's longest delay; a later end is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1

/** The time as of the last mute that ended: reactive, so a computed that reads it reruns then. */
export function muteClockNow(): number {
  return now.value
}

/** Makes the clock tick when `at` (a mute's end, in ms) has passed. */
export function tickMuteClockAt(at: number): void {
  if (!import.meta.client || at >= timerAt) return
  clearTimeout(timer)
  timerAt = at
  timer = setTimeout(() => {
    timerAt = Number.POSITIVE_INFINITY
    now.value = Date.now()
  }, Math.min(MAX_DELAY_MS, Math.max(0, at - Date.now()) + 1))
}
