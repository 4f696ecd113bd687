import { Server } from 'node:http'
import type { Socket } from 'node:net'
import { serverConfig } from '../utils/config'
import { logger } from '../utils/logger'
import { resilienceSettings } from '../utils/resilience'
import { watchBody } from '../utils/slow-bodies'
import { UPLOAD_PATH } from '../utils/upload-body'

// Slow and greedy clients (docs/guarantees.md, "Slowloris"). Node holds a request whose
// headers trickle in for up to 60 s, checked every 30 s (88 s seen); here a request must
// have its headers within NUXT_TIMINGS_HEADERS_TIMEOUT_MS (10 s), checked every second.
// Node's whole-request timeout is off (it would cut a large upload over a slow link); bodies
// get their own rules (utils/slow-bodies.ts): an ordinary one must be whole within
// NUXT_TIMINGS_REQUEST_TIMEOUT_MS (15 s), an upload must bring NUXT_ATTACHMENTS_MIN_PROGRESS_BYTES
// in every NUXT_TIMINGS_UPLOAD_PROGRESS_MS. And one address may hold at most
// NUXT_LIMITS_CONNECTIONS_PER_IP connections (WebSockets included); more are cut at once.
// An idle keep-alive connection is kept NUXT_TIMINGS_KEEP_ALIVE_TIMEOUT_MS (65 s).
// Behind a reverse proxy (NUXT_TRUST_PROXY) every connection comes from the proxy, so
// the per-address cap is the proxy's job there and is not applied.
//
// Nitro's node-server entry creates its http.Server after the plugins ran and calls
// listen() at once; the settings are applied to it at that listen(), the only place
// a plugin can reach the server.
const CHECK_INTERVAL_MS = 1_000

export default defineNitroPlugin((nitroApp) => {
  if (import.meta.dev) return
  nitroApp.hooks.hook('request', (event) => {
    const settings = resilienceSettings()
    watchBody(event.node.req, event.method === 'POST' && UPLOAD_PATH.test(event.path)
      ? { kind: 'progress', windowMs: settings.uploadProgressMs, minBytes: settings.uploadMinProgressBytes }
      : { kind: 'deadline', ms: settings.requestTimeoutMs })
  })
  const listen = Server.prototype.listen
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    Server.prototype.listen = listen
    harden(this)
    return listen.apply(this, args as Parameters<typeof listen>)
  } as typeof listen
})

function harden(server: Server): void {
  const settings = resilienceSettings()
  server.headersTimeout = settings.headersTimeoutMs
  // Node closes an idle keep-alive connection after 5 s. A proxy in front (Render's, a
  // cloud load balancer) keeps its connections to the server longer and may send the next
  // request on one the server has just closed: the person gets a 502. The side that
  // closes first must be the proxy, so the server waits longer than proxies do.
  server.keepAliveTimeout = settings.keepAliveTimeoutMs
  server.requestTimeout = 0
  // Read by Node when the server starts listening.
  ;(server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CHECK_INTERVAL_MS
  if (serverConfig().trustProxyHops > 0) return
  const open = new Map<string, number>()
  let refused = 0
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown'
    const count = (open.get(address) ?? 0) + 1
    if (count > settings.connectionsPerIp) {
      if (refused++ % 100 === 0) logger.warn('too many connections from one address; refusing', { address, limit: settings.connectionsPerIp })
      socket.destroy()
      return
    }
    open.set(address, count)
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1
      if (left > 0) open.set(address, left)
      else open.delete(address)
    })
  })
}
