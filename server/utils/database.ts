import mongoose from 'mongoose'
import { errorName, logger } from './logger'
import { resilienceSettings } from './resilience'

const HEARTBEAT_FREQUENCY_MS = 2_000
const WATCH_EVERY_MS = 1_000

export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true)
  // Driver text never reaches a response. A stalled or dead database fails operations
  // within seconds instead of hanging them (docs/guarantees.md): no server within 5 s, a
  // silent socket after NUXT_TIMINGS_DB_OPERATION_TIMEOUT_MS, no command buffered longer than that.
  const timeoutMs = resilienceSettings().dbOperationTimeoutMs
  mongoose.set('bufferTimeoutMS', timeoutMs)
  const connected = await mongoose.connect(uri, {
    serverSelectionTimeoutMS: 5_000,
    heartbeatFrequencyMS: HEARTBEAT_FREQUENCY_MS,
    socketTimeoutMS: timeoutMs * 3,
    connectTimeoutMS: timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
    autoIndex: true,
  })
  watchServerMonitor(uri, timeoutMs)
  return connected
}

/**
 * Whether one of the driver's server monitors (one per server of the deployment) is stuck in a
 * heartbeat. A heartbeat ends within its socket's deadline (connectTimeoutMS to connect, as
 * much again for the handshake; an awaited one heartbeatFrequencyMS more), so one still
 * running after twice all that never will.
 */
export function heartbeatWatch(stuckAfterMs: number, now: () => number = Date.now) {
  const startedAt = new Map<string, number>()
  return {
    started: (server: string) => {
      if (!startedAt.has(server)) startedAt.set(server, now())
    },
    ended: (server: string) => {
      startedAt.delete(server)
    },
    stuck: () => [...startedAt.values()].some(since => now() - since > stuckAfterMs),
  }
}

/**
 * The Node.js driver (mongodb 7.8, the newest) can leave its server monitor waiting forever.
 * When the database dies, the monitor checks it again at once; that check's new connection
 * can reach the dying engine and be reset between its `connect` and the moment the driver
 * listens to it, and its handshake then waits for a `drain` of a closed socket that never
 * comes. The server stays Unknown and every operation fails, though the database is back
 * (tests/faults/database.test.ts met it about once in ten restarts: the engine listening, not
 * one connection from the server for a minute). No public call wakes the monitor, so a stuck
 * one has its client closed and the connection opened again; operations meanwhile wait in
 * mongoose's buffer or fail as `unavailable`. tests/db/database-monitor.test.ts resets the
 * first connection after a restart at that moment and fails without this.
 */
function watchServerMonitor(uri: string, timeoutMs: number): void {
  const client = mongoose.connection.getClient()
  const watch = heartbeatWatch(2 * (2 * timeoutMs + HEARTBEAT_FREQUENCY_MS))
  client.on('serverHeartbeatStarted', event => watch.started(event.connectionId))
  client.on('serverHeartbeatSucceeded', event => watch.ended(event.connectionId))
  client.on('serverHeartbeatFailed', event => watch.ended(event.connectionId))
  const timer = setInterval(() => {
    if (!watch.stuck()) return
    clearInterval(timer)
    logger.warn('the database driver\'s server monitor is stuck; connecting again')
    void reopen(uri)
  }, WATCH_EVERY_MS)
  timer.unref()
  mongoose.connection.once('close', () => clearInterval(timer))
}

async function reopen(uri: string): Promise<void> {
  await mongoose.connection.close().catch(() => {})
  for (;;) {
    try {
      await connectDatabase(uri)
      return
    }
    catch (error) {
      logger.warn('connecting to the database again failed; retrying', { error: errorName(error) })
      await new Promise(resolve => setTimeout(resolve, WATCH_EVERY_MS))
    }
  }
}

/** Pings the database; false when it does not answer within `timeoutMs`. */
export async function pingDatabase(timeoutMs = 2_000): Promise<boolean> {
  const db = mongoose.connection.db
  if (!db || mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return false
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      db.command({ ping: 1 }).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
      }),
    ])
  }
  catch {
    return false
  }
  finally {
    clearTimeout(timer)
  }
}

/** Builds every declared index of the given models (no TTL: see docs/database.md). */
export async function ensureIndexes(models: readonly Pick<mongoose.Model<unknown>, 'createIndexes'>[]): Promise<void> {
  await Promise.all(models.map(model => model.createIndexes()))
}
