import type { Peer } from 'crossws'
import { isShuttingDown, runShutdownTasks } from '../utils/shutdown'
import { nitroShutdownSettings } from '../utils/config'
import { logger } from '../utils/logger'

/** Longest wait for the shutdown tasks and the WebSocket closing handshakes together. */
const SOCKETS_BUDGET_MS = 3_000
/** Whatever happens, the process is gone this long after the signal (Render waits 15 s here). */
const HARD_LIMIT_MS = 9_500
const GOING_AWAY = 1001

type SignalHandler = (signal: NodeJS.Signals) => void

// Nitro's node-server preset already shuts down gracefully on SIGTERM and SIGINT: it stops
// listening, lets in-flight requests finish (up to NITRO_SHUTDOWN_TIMEOUT), calls the
// `close` hook (database, Redis) and exits 0. But it counts upgraded sockets as idle and
// destroys them at once, so WebSocket clients would see 1006 instead of a close frame.
// This plugin puts one step in front of Nitro's handler: run the registered shutdown
// tasks, close every WebSocket still open with 1001 and wait for the closing handshakes;
// then Nitro's handler runs as it always does.
export default defineNitroPlugin((nitroApp) => {
  const { disabled, signals } = nitroShutdownSettings()
  if (import.meta.dev || disabled) return

  const sockets = trackWebSockets(nitroApp.h3App.options)
  // Registered after the database plugin's hook, so this is the last line of a clean stop.
  nitroApp.hooks.hook('close', () => logger.info('stopped'))

  // Nitro registers its handler right after the plugins have run, in the same tick.
  setImmediate(() => {
    const nitroHandlers = new Map(signals.map(signal => [signal, process.listeners(signal) as SignalHandler[]]))
    if ([...nitroHandlers.values()].every(handlers => handlers.length === 0)) return
    let started = false
    for (const [signal, handlers] of nitroHandlers) {
      for (const handler of handlers) process.off(signal, handler)
      process.on(signal, async () => {
        if (started) return
        started = true
        logger.info('shutting down', { signal, webSockets: sockets.size })
        setTimeout(() => {
          logger.error('shutdown did not finish in time; exiting', { limitMs: HARD_LIMIT_MS })
          process.exit(1)
        }, HARD_LIMIT_MS).unref()
        await closeWebSockets(sockets, Date.now() + SOCKETS_BUDGET_MS)
        for (const handler of handlers) handler.call(process, signal)
      })
    }
  })
})

/**
 * Keeps the set of open WebSockets through crossws's global hooks, which run for every
 * route besides the route's own hooks, and refuses upgrades once the shutdown began.
 */
function trackWebSockets(options: { websocket?: import('h3').WebSocketOptions }): Set<Peer> {
  const sockets = new Set<Peer>()
  const existing = options.websocket ?? {}
  const hooks = existing.hooks ?? {}
  options.websocket = {
    ...existing,
    hooks: {
      ...hooks,
      upgrade(request) {
        if (isShuttingDown()) throw new Response('Shutting down', { status: 503, headers: { 'retry-after': '1' } })
        return hooks.upgrade?.(request)
      },
      open(peer) {
        sockets.add(peer)
        return hooks.open?.(peer)
      },
      close(peer, details) {
        sockets.delete(peer)
        return hooks.close?.(peer, details)
      },
    },
  }
  return sockets
}

/**
 * The shutdown tasks first (the realtime hub's own goodbye), then 1001 for any socket
 * left, then the closing handshakes, all by `deadline`.
 */
async function closeWebSockets(sockets: Set<Peer>, deadline: number): Promise<void> {
  const tasksDone = await Promise.race([
    runShutdownTasks().then(() => true),
    new Promise<false>(resolve => setTimeout(resolve, deadline - Date.now(), false)),
  ])
  if (!tasksDone) logger.warn('shutdown tasks still running; going on')
  for (const peer of sockets) peer.close(GOING_AWAY, 'Server shutting down')
  while (sockets.size > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 25))
  if (sockets.size > 0) logger.warn('WebSockets did not finish closing', { webSockets: sockets.size })
}
