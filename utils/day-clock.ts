import { ref } from 'vue'
import { serverClockOffset, serverNow } from './server-clock'

// Which day it is, for the labels that name days ("Today", "Yesterday": the day separators,
// utils/timeline.ts dayLabel). A render that asks reruns at the next local midnight, so a
// chat left open overnight says "Yesterday" over yesterday's messages without a reload
// (docs/ui.md, "Day separators"; tests/components/day-rollover.test.ts). One timer for the whole app,
// not one per separator. Its time is the server's (utils/server-clock.ts), as "today" is
// everywhere else: a new correction of the clock sets the timer again.

/** Counts the local midnights passed: a render that reads it reruns at the next. */
const midnights = ref(0)
let timer: ReturnType<typeof setTimeout> | undefined
/** The server clock's correction the timer was set with. */
let timerOffset = 0
/** The local day the timer was set on. */
let timerDay = ''
let watchingWake = false

const dayOf = (time: Date) => `${time.getFullYear()}-${time.getMonth()}-${time.getDate()}`

// A timer does not run while a device sleeps: a laptop opened the next morning would keep
// "Today" over last night's messages until the late timer fired. Shown again, the page
// checks the day itself.
function checkDayOnWake(): void {
  if (document.visibilityState !== 'visible' || timer === undefined || dayOf(new Date(serverNow())) === timerDay) return
  clearTimeout(timer)
  timer = undefined
  midnights.value++
}

/** Now, by the server's clock: a render that asks is drawn again at the next local midnight. */
export function dayClockNow(): Date {
  void midnights.value
  if (import.meta.client) tickAtMidnight()
  return new Date(serverNow())
}

function tickAtMidnight(): void {
  if (timer !== undefined && timerOffset === serverClockOffset()) return
  clearTimeout(timer)
  timerOffset = serverClockOffset()
  const now = new Date(serverNow())
  timerDay = dayOf(now)
  if (!watchingWake) {
    watchingWake = true
    document.addEventListener('visibilitychange', checkDayOnWake)
  }
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime()
  timer = setTimeout(() => {
    timer = undefined
    midnights.value++
  }, midnight - now.getTime() + 1)
}
