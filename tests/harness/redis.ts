import { startRedis, type RunningRedis } from '../../scripts/lib/redis.mjs'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'

// redis-server and the port probe live in scripts/lib/redis.mjs (the benchmark's M8 starts them too).
export { startRedis, waitForPort, type RunningRedis } from '../../scripts/lib/redis.mjs'

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
