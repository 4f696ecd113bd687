import { runShutdownTasks } from '../utils/shutdown'
import { logger } from '../utils/logger'

/** Longest wait for the shutdown tasks (WebSockets closing with 1001). */
const TASKS_BUDGET_MS = 3_000
/** Whatever happens, the process is gone this long after the signal (Render waits 30 s). */
const HARD_LIMIT_MS = 9_500

// Nitro's node-server preset already shuts down gracefully on SIGTERM and SIGINT: it stops
// listening, lets in-flight requests finish (up to NITRO_SHUTDOWN_TIMEOUT), calls the
// `close` hook and exits 0. But it counts upgraded sockets as idle and destroys them
// at once, so WebSocket clients would see 1006 instead of a close frame. This plugin puts
// one step in front: on the signal it runs the registered shutdown tasks (which close
// sockets with 1001), then hands the signal to Nitro's own handler.
export default defineNitroPlugin((nitroApp) => {
  if (import.meta.dev || process.env.NITRO_SHUTDOWN_DISABLED) return
  // Registered after the database plugin's hook, so this is the last line of a clean stop.
  nitroApp.hooks.hook('close', () => logger.info('stopped'))

  // Nitro waits this long for in-flight requests, then as long again for the `close`
  // hook; keep the whole shutdown under 10 s unless the operator says otherwise.
  process.env.NITRO_SHUTDOWN_TIMEOUT ||= '4000'
  const signals = (process.env.NITRO_SHUTDOWN_SIGNALS || 'SIGTERM SIGINT').split(' ').map(s => s.trim()).filter(Boolean) as NodeJS.Signals[]

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
        logger.info('shutting down', { signal })
        setTimeout(() => {
          logger.error('shutdown did not finish in time; exiting', { limitMs: HARD_LIMIT_MS })
          process.exit(1)
        }, HARD_LIMIT_MS).unref()
        await withTimeout(runShutdownTasks(), TASKS_BUDGET_MS)
        for (const handler of handlers) handler.call(process, signal)
      })
    }
  })
})

type SignalHandler = (signal: NodeJS.Signals) => void

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([work, new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn('shutdown tasks still running; going on', { budgetMs: ms })
      resolve()
    }, ms)
  })])
  clearTimeout(timer)
}
