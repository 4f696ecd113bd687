import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'

// Overload is answered, not queued. Past its capacity an instance that queued every send
// would hold each for longer and longer (issue 16 measured 2 s p50 at 100 msg/s, growing
// for as long as the load lasted). So at most `NUXT_LIMITS_SENDS_IN_FLIGHT` sends are being
// stored at once, and one more is refused at once with 503 `unavailable` and
// `Retry-After: 1`: nothing is stored, and the client's outbox resends it with the same
// clientId after that second (stores/outbox.ts). A send counts until its work really ends,
// past the request deadline too, so a stalled database does not let more in.
// tests/api/overload.test.ts proves it; docs/guarantees.md says why nothing refused is lost.
let inFlight = 0

export function admitSend<T>(store: () => Promise<T>): Promise<T> {
  if (inFlight >= serverConfig().limits.sendsInFlight) {
    return Promise.reject(apiError('unavailable', 'The server is busy; try again in a moment.', { retryAfter: 1 }))
  }
  inFlight++
  return store().finally(() => {
    inFlight--
  })
}
