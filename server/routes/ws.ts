import type { WebSocket } from 'ws'
import { type Actor, isOriginAllowed, mustSetUpTwoFactor, readAccessToken } from '../utils/auth'
import { authenticateAccessToken } from '../services/accounts/sessions'
import { realtime } from '../services/realtime'
import { apiError, errorResponse } from '../utils/errors'
import { withDeadline } from '../utils/resilience'
import { isShuttingDown } from '../utils/shutdown'
import { enterUpgrade, UPGRADE_RETRY_AFTER_SECONDS, type UpgradePlace } from '../services/realtime/upgrade-gate'
import { SOCKET_CAP_RETRY_AFTER_SECONDS } from '#shared/limits'

// /ws: crossws through Nitro. The upgrade hook refuses with a plain HTTP answer (403 for a
// foreign Origin whatever the authentication, 401 for a bad token, 403
// `two_factor_setup_required` for an account that must set up two-factor first, 429 with Retry-After over 20 sockets,
// 503 with Retry-After while the instance handles NUXT_LIMITS_WS_UPGRADES_IN_FLIGHT upgrades already);
// everything after the 101 lives in server/services/realtime/ (socket.ts, the socket's
// lifecycle, and frames/, where each frame is parsed and routed to its handler).

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
      context.auth = null // in-band: the first frame must be { type: "auth", token } within 10 s (gated then)
      return
    }
    const place = enterUpgrade()
    if (!place) throw errorResponse(apiError('unavailable', 'The server is busy with reconnects; retry shortly.', { retryAfter: UPGRADE_RETRY_AFTER_SECONDS }))
    try {
      context.auth = await authorize(found.token)
      context.place = place
    }
    catch (refusal) {
      place()
      throw refusal
    }
  },
  open(peer) {
    const { auth = null, place } = peer.context as UpgradeContext
    // crossws's public Peer API: on Node, `peer.websocket` is the `ws` socket, whose
    // `message` event tells binary frames apart and which answers pings.
    realtime().sockets.accept(peer.websocket as unknown as WebSocket, auth, place)
  },
})

/** The upgrade's token check; throws the HTTP answer that refuses it. */
async function authorize(token: string): Promise<Actor> {
  let auth: Actor | null
  try {
    auth = await withDeadline(() => authenticateAccessToken(token))
  }
  catch {
    // The database did not answer (in time): that says nothing about the token (a 401 would sign the person out).
    throw errorResponse(apiError('unavailable', 'The server cannot reach its database; reconnect shortly.', { retryAfter: 2 }))
  }
  if (!auth) throw errorResponse(apiError('unauthorized'))
  if (mustSetUpTwoFactor(auth.user)) throw errorResponse(apiError('two_factor_setup_required'))
  if (!realtime().cap.hold(auth.userId)) throw errorResponse(apiError('rate_limited', 'Too many open sockets for this user.', { retryAfter: SOCKET_CAP_RETRY_AFTER_SECONDS }))
  return auth
}
