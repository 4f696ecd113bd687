import { startRedis, type RunningRedis } from '../../scripts/lib/redis.mjs'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'

// redis-server and the port probe live in scripts/lib/redis.mjs (the benchmark's M8 starts them too).
export { startRedis, waitForPort, type RunningRedis } from '../../scripts/lib/redis.mjs'

/** Two server instances on two ports, sharing the test database and a redis-server of their own. */
export interface JoinedInstances { redis: RunningRedis, one: RunningServer, two: RunningServer, stop: () => Promise<void> }

/** What startJoinedInstances starts processes with (tests/unit/joined-instances.test.ts gives fakes). */
export interface Starters {
  startRedis: () => Promise<Pick<RunningRedis, 'url' | 'stop'>>
  startServer: (options: { mongoUri: string, env: Record<string, string> }) => Promise<Pick<RunningServer, 'stop'>>
}

/**
 * Starts both instances and their redis-server. When any of them fails to start (a health
 * check that times out), whatever did start is stopped before the failure is thrown: the
 * caller gets nothing to stop, and no redis-server or server outlives the test run.
 */
export async function startJoinedInstances(mongoUri: string, env: Record<string, string> = {}, starters: Starters = { startRedis, startServer }): Promise<JoinedInstances> {
  const redis = await starters.startRedis()
  const instanceEnv = { ...env, NUXT_REDIS_URL: redis.url }
  const started = await Promise.allSettled([starters.startServer({ mongoUri, env: instanceEnv }), starters.startServer({ mongoUri, env: instanceEnv })])
  const [one, two] = started.map(result => result.status === 'fulfilled' ? result.value : null)
  const stop = async () => {
    try {
      await Promise.all([one?.stop(), two?.stop()])
    }
    finally {
      await redis.stop()
    }
  }
  const failed = started.find(result => result.status === 'rejected')
  if (failed) {
    await stop()
    throw failed.reason
  }
  return { redis: redis as RunningRedis, one: one as RunningServer, two: two as RunningServer, stop }
}
