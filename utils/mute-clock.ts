// The clock behind timed mutes ("Mute for 1 hour"): it ticks only when a mute ends, so
// everything that asked isMuted() inside a computed (the dimmed badge, the title's total)
// updates at that moment without a reload or a ticking interval (docs/messages.md,
// "Notification settings"; tests/components/mute-expiry.test.ts). Its time is the server's
// (utils/server-clock.ts): a mute's end is the server's, and the viewer's clock may be hours off.

const now = ref(Date.now())
let timer: ReturnType<typeof setTimeout> | undefined
let timerAt = Number.POSITIVE_INFINITY
/** The server clock's correction the timer was set with: a new one sets it again. */
let timerOffset = 0
/** setTimeout's longest delay; a later end is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1

/** The time as of the last mute that ended: reactive, so a computed that reads it reruns then. */
export function muteClockNow(): number {
  return serverNow(now.value)
}

/** Makes the clock tick when `at` (a mute's end, in ms) has passed. */
export function tickMuteClockAt(at: number): void {
  if (!import.meta.client || (at >= timerAt && timerOffset === serverClockOffset())) return
  clearTimeout(timer)
  timerAt = at
  timerOffset = serverClockOffset()
  timer = setTimeout(() => {
    timerAt = Number.POSITIVE_INFINITY
    now.value = Date.now()
  }, Math.min(MAX_DELAY_MS, Math.max(0, at - serverNow()) + 1))
}
