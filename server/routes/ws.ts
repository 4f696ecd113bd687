import type { H3Error } from 'h3'
import type { WebSocket } from 'ws'
import { SOCKET_CAP_RETRY_AFTER_SECONDS } from '#shared/limits'
import { EXPECTED_USER_QUERY } from '#shared/types/api'
import { isOriginAllowed, parseExpectedUser, readAccessToken, type Actor } from '../utils/auth'
import { realtime } from '../services/realtime'
import type { AdmissionRefusal } from '../services/realtime/admission'
import { UPGRADE_RETRY_AFTER_SECONDS, type UpgradePlace } from '../services/realtime/upgrade-gate'
import { apiError, errorResponse } from '../utils/errors'
import { isShuttingDown } from '../utils/shutdown'

// /ws: crossws through Nitro. The upgrade hook refuses with a plain HTTP answer (403 for a
// foreign Origin whatever the authentication; then the admission's refusals, the same as an
// in-band `auth` meets (server/services/realtime/admission.ts): 503 with Retry-After while the
// instance handles NUXT_LIMITS_WS_UPGRADES_IN_FLIGHT upgrades already, 401 for a bad token, 409 for an upgrade naming another account than its token's,
// 403 `two_factor_setup_required` for an account that must set up two-factor first, 429 with
// Retry-After over 20 sockets); everything after the 101 lives in server/services/realtime/
// (socket.ts, the socket's lifecycle, and frames/, where each frame is parsed and routed to
// its handler).

/** The HTTP answer of each refusal (an in-band `auth` closes with a code instead, socket.ts). */
const REFUSAL_ANSWER: Record<AdmissionRefusal, () => H3Error> = {
  'busy': () => apiError('unavailable', 'The server is busy with reconnects; retry shortly.', { retryAfter: UPGRADE_RETRY_AFTER_SECONDS }),
  // The database did not answer (in time): that says nothing about the token (a 401 would sign the person out).
  'database-unavailable': () => apiError('unavailable', 'The server cannot reach its database; reconnect shortly.', { retryAfter: 2 }),
  'server-error': () => apiError('unavailable', 'The server cannot reach its database; reconnect shortly.', { retryAfter: 2 }),
  'unauthorized': () => apiError('unauthorized'),
  'two-factor-setup-required': () => apiError('two_factor_setup_required'),
  'too-many-sockets': () => apiError('rate_limited', 'Too many open sockets for this user.', { retryAfter: SOCKET_CAP_RETRY_AFTER_SECONDS }),
  'account-changed': () => apiError('account_changed'),
}

/** `place`: the upgrade's place in the gate, given back once the socket's `ready` went out. */
interface UpgradeContext { auth?: Actor | null, place?: UpgradePlace }

export default defineWebSocketHandler({
  async upgrade(request) {
    if (isShuttingDown()) throw errorResponse(apiError('unavailable', 'The server is restarting; reconnect shortly.'))
    const origin = request.headers.get('origin')
    if (origin !== null && !isOriginAllowed(origin)) throw errorResponse(apiError('forbidden_origin'))
    const context = (request as { context?: UpgradeContext }).context ?? {}
    const found = readAccessToken(request.headers)
    if (!found) {
      context.auth = null // in-band: the first frame must be { type: "auth", token } within 10 s (admitted then)
      return
    }
    // A tab's socket names the account the tab shows: the cookie may be another tab's sign-in since.
    let expectedUserId: string | undefined
    try {
      expectedUserId = parseExpectedUser(new URL(request.url, 'http://parley.invalid').searchParams.get(EXPECTED_USER_QUERY))
    }
    catch (error) {
      throw errorResponse(error as H3Error)
    }
    const admission = await realtime().admit(found.token, expectedUserId)
    if ('refusal' in admission) throw errorResponse(REFUSAL_ANSWER[admission.refusal]())
    context.auth = admission.actor
    context.place = admission.place
  },
  open(peer) {
    const { auth = null, place } = peer.context as UpgradeContext
    // crossws's public Peer API: on Node, `peer.websocket` is the `ws` socket, whose
    // `message` event tells binary frames apart and which answers pings.
    realtime().sockets.accept(peer.websocket as unknown as WebSocket, auth, place)
  },
})
