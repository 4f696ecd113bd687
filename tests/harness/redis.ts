import { spawn, type ChildProcess } from 'node:child_process'
import { createConnection } from 'node:net'
import { freePort } from '../../scripts/lib/ferretdb.mjs'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'

// A throw-away redis-server for multi-instance tests: free port, nothing persisted.
export interface RunningRedis { url: string, stop: () => Promise<void> }

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort()
  const child: ChildProcess = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  await waitForPort(port, { timeoutMs: 10_000, child })
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** Resolves once something accepts connections on the port (fails if `child` exits first). */
export async function waitForPort(port: number, { timeoutMs = 15_000, child }: { timeoutMs?: number, child?: ChildProcess } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
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

/** Two server instances on two ports, sharing the test database and a redis-server of their own. */
export interface JoinedInstances { redis: RunningRedis, one: RunningServer, two: RunningServer, stop: () => Promise<void> }

export async function startJoinedInstances(mongoUri: string, env: Record<string, string> = {}): Promise<JoinedInstances> {
  const redis = await startRedis()
  const instanceEnv = { ...env, NUXT_REDIS_URL: redis.url }
  const [one, two] = await Promise.all([startServer({ mongoUri, env: instanceEnv }), startServer({ mongoUri, env: instanceEnv })])
  return {
    redis, one, two,
    async stop() {
      await Promise.all([one.stop(), two.stop()])
      await redis.stop()
    },
  }
}
