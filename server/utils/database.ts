import mongoose from 'mongoose'
import { resilienceSettings } from './resilience'

export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true)
  // Driver text never reaches a response. A stalled or dead database fails operations
  // within seconds instead of hanging them (docs/guarantees.md): no server within 5 s, a
  // silent socket after NUXT_TIMINGS_DB_OPERATION_TIMEOUT_MS, no command buffered longer than that.
  const timeoutMs = resilienceSettings().dbOperationTimeoutMs
  mongoose.set('bufferTimeoutMS', timeoutMs)
  return mongoose.connect(uri, {
    serverSelectionTimeoutMS: 5_000,
    heartbeatFrequencyMS: 2_000,
    socketTimeoutMS: timeoutMs * 3,
    connectTimeoutMS: timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
    autoIndex: true,
  })
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
