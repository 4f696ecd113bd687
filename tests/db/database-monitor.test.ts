import net from 'node:net'
import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChatModel } from '../../server/models'
import { loadServerConfig } from '../../server/utils/config'
import { connectDatabase, heartbeatWatch } from '../../server/utils/database'
import { eventually } from '../harness/api-client'
import { startFaultDatabase, type FaultDatabase } from '../harness/faults'

// The driver's server monitor can wait forever (server/utils/database.ts, watchServerMonitor).
// When the engine dies, the driver starts a fresh check at once; its connection may land in the
// dying engine's queue and be reset between its `connect` and the moment the driver listens to
// it. Its handshake is then written to a closed socket and waits for a `drain` that never comes,
// the server stays Unknown, and nothing reaches the engine after it is back. Here the first
// connection to reach the engine after the kill is reset at exactly that moment.

let database: FaultDatabase
const createConnection = net.createConnection

beforeAll(async () => {
  // Short driver deadlines: the watch gives a heartbeat 2 x (2 x 1 s + 2 s) = 8 s.
  loadServerConfig({ timings: { dbOperationTimeoutMs: 1_000 } })
  database = await startFaultDatabase()
  await connectDatabase(database.uri)
})

afterAll(async () => {
  net.createConnection = createConnection
  await mongoose.disconnect()
  await database?.stop()
})

/**
 * The first connection the driver makes that reaches the engine is closed as it connects,
 * before the driver listens to it. Resolves once it was.
 */
function resetFirstConnectionAtConnect(): Promise<void> {
  return new Promise((resolve) => {
    net.createConnection = ((...args: Parameters<typeof createConnection>) => {
      const socket = createConnection(...args)
      socket.once('connect', () => {
        if (net.createConnection === createConnection) return
        net.createConnection = createConnection
        socket.destroy()
        resolve()
      })
      return socket
    }) as typeof createConnection
  })
}

describe('the database driver\'s server monitor', () => {
  it('is connected again when its check never ends, and the server reaches the restarted engine', async () => {
    await ChatModel.collection.insertOne({ _id: 'before' } as never)
    const restarting = database.killAndRestart(500)
    const reset = resetFirstConnectionAtConnect()
    await restarting
    await reset
    const stored = await eventually(async () => {
      try {
        await ChatModel.collection.insertOne({ _id: 'after' } as never)
        return true
      }
      catch {
        return false
      }
    }, 25_000, 'a write after the restart')
    // Whether the reset met the monitor's check (which then never ends, and the watch opens a
    // new client) or a pool's connection (which the driver mends itself) is the driver's
    // order of connecting, which a loaded machine changes: asserted is what the server relies
    // on, a write that lands after the restart either way. The watch is proved below.
    expect(stored).toBe(true)
    expect(await ChatModel.collection.countDocuments({ _id: { $in: ['before', 'after'] } } as never)).toBe(2)
  })
})

describe('the heartbeat watch', () => {
  it('calls a heartbeat stuck only past its bound, and never one that ended', () => {
    let now = 0
    const watch = heartbeatWatch(8_000, () => now)
    expect(watch.stuck()).toBe(false)
    watch.started('a:27017')
    now = 8_000
    expect(watch.stuck()).toBe(false)
    now = 8_001
    expect(watch.stuck()).toBe(true)
    watch.ended('a:27017')
    expect(watch.stuck()).toBe(false)
    // An awaited heartbeat starts again as the last one ends: counted from the new start.
    watch.started('a:27017')
    now = 16_000
    expect(watch.stuck()).toBe(false)
    watch.started('a:27017')
    now = 16_002
    expect(watch.stuck()).toBe(true)
  })

  it('watches each server of a deployment on its own', () => {
    let now = 0
    const watch = heartbeatWatch(8_000, () => now)
    watch.started('primary:27017')
    for (now = 1_000; now <= 10_000; now += 1_000) {
      // The other members' heartbeats come and go; the primary's never ends.
      watch.started('secondary:27017')
      watch.ended('secondary:27017')
    }
    expect(watch.stuck()).toBe(true)
  })
})
