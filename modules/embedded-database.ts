// In `nuxt dev`, when no MongoDB URI is configured, start the embedded FerretDB
// (data under .data/ferretdb, so it survives restarts) and hand its URI to Nitro.
// It is stopped with the dev server, and its watchdog stops it if we are killed.
import { join } from 'node:path'
import { defineNuxtModule, useLogger } from '@nuxt/kit'
import { EmbeddedDatabaseUnavailable, startFerretdb } from '../scripts/lib/ferretdb.mjs'

type EmbeddedDatabase = Awaited<ReturnType<typeof startFerretdb>>
const globalKey = Symbol.for('parley.embeddedDatabase')
const globalStore = globalThis as unknown as Record<symbol, Promise<EmbeddedDatabase> | undefined>

export default defineNuxtModule({
  meta: { name: 'parley-embedded-database' },
  async setup(_options, nuxt) {
    if (!nuxt.options.dev || nuxt.options._prepare) return
    if (process.env.NUXT_MONGODB_URI || process.env.MONGODB_URI) return

    const logger = useLogger('parley')
    // Nuxt re-runs modules when its config changes: keep one database per process.
    globalStore[globalKey] ??= startFerretdb({
      dataDir: join(nuxt.options.rootDir, '.data', 'ferretdb'),
      log: message => logger.info(message.replace(/^\[parley\] /, '')),
    })
    try {
      const database = await globalStore[globalKey]
      process.env.NUXT_MONGODB_URI = database.uri
      logger.info(`Embedded database (FerretDB on SQLite) listening on 127.0.0.1:${database.port}`)
      const stop = () => database.stop()
      process.once('exit', () => database.process.kill('SIGTERM'))
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.once(signal, () => void stop().finally(() => process.exit(0)))
      }
    }
    catch (error) {
      globalStore[globalKey] = undefined
      if (error instanceof EmbeddedDatabaseUnavailable) {
        logger.error(error.message)
        return
      }
      throw error
    }
  },
})
