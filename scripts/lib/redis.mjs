// A throw-away redis-server (free port, nothing persisted) for the multi-instance tests
// (tests/harness/redis.ts) and the two-instance benchmark (scripts/bench/instances.mjs).
import { spawn } from 'node:child_process'
import { createConnection } from 'node:net'
import { freePort } from './ferretdb.mjs'

/** Spawns redis-server on the port, on loopback, persisting nothing (tests/harness/faults.ts restarts it). */
export function spawnRedis(port) {
  return spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
}

export async function startRedis() {
  const port = await freePort()
  const child = spawnRedis(port)
  const stop = async (signal = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill(signal)
    await exited
  }
  try {
    await waitForPort(port, { timeoutMs: 10_000, child })
  }
  catch (error) {
    // A redis-server that never listened is stopped here: whoever asked has nothing to stop.
    await stop('SIGKILL')
    throw error
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => stop() }
}

/** Resolves once something accepts connections on the port (fails if `child` exits first). */
export async function waitForPort(port, { timeoutMs = 15_000, child } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const up = await new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (up) return
    if (Date.now() > deadline || (child && child.exitCode !== null)) throw new Error(`nothing listens on ${port}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
