import type { WebSocket } from 'ws'
import type { Peer } from 'crossws'
import { authenticateAccessToken, isOriginAllowed, readAccessToken, type AuthContext } from '../utils/auth'
import { acceptSocket, holdSocketPlace } from '../services/realtime/socket'
import { isShuttingDown } from '../utils/shutdown'

// /ws: crossws through Nitro. The upgrade hook refuses with a plain HTTP answer (403 for a
// foreign Origin whatever the authentication, 401 for a bad token, 429 over 20 sockets);
// everything after the 101 lives in server/services/realtime/socket.ts.

function refuse(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ statusCode: status, message, data: { code } }), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

interface UpgradeContext { auth?: AuthContext | null }

/** crossws keeps the ws socket on the peer; frames are read from it to see binary ones. */
function rawSocket(peer: Peer): WebSocket {
  return (peer as unknown as { _internal: { ws: WebSocket } })._internal.ws
}

export default defineWebSocketHandler({
  async upgrade(request) {
    if (isShuttingDown()) throw refuse(503, 'unavailable', 'The server is restarting; reconnect shortly.')
    const origin = request.headers.get('origin')
    if (origin !== null && !isOriginAllowed(origin)) throw refuse(403, 'forbidden_origin', 'Requests from this origin are not allowed.')
    const context = (request as { context?: UpgradeContext }).context ?? {}
    const found = readAccessToken(request.headers)
    if (!found) {
      context.auth = null // in-band: the first frame must be { type: "auth", token } within 10 s
      return
    }
    const auth = await authenticateAccessToken(found.token).catch(() => null)
    if (!auth) throw refuse(401, 'unauthorized', 'You need to log in.')
    if (!holdSocketPlace(auth.userId)) throw refuse(429, 'rate_limited', 'Too many open sockets for this user.')
    context.auth = auth
  },
  open(peer) {
    const auth = (peer.context as UpgradeContext).auth ?? null
    acceptSocket(rawSocket(peer), auth)
  },
})
