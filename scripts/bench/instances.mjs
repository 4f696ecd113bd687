// M8 of `npm run bench`: two Parley instances joined by Redis against one. The same
// people and chats; on one instance every socket is on it, on two the first half of each
// chat is on instance A and sends, the second half is on instance B and only receives, so
// half of every delivery crosses Redis. The extra p99 is the cost of the second instance.
import { startRedis } from '../lib/redis.mjs'
import { startServer } from '../lib/stack.mjs'

const wsUrl = server => `${server.baseUrl.replace('http', 'ws')}/ws`

/**
 * Runs the pair `{ one, two }` with `pair` (scripts/bench/pairs.mjs): `one` on `server`,
 * `two` across two new instances of the same build on the same database.
 */
export async function measureInstances({ pair, log, server, mongoUri, env, people, chats, rate }) {
  const redis = await startRedis()
  const instanceEnv = { ...env, NUXT_REDIS_URL: redis.url }
  const started = await Promise.allSettled([startServer({ mongoUri, env: instanceEnv }), startServer({ mongoUri, env: instanceEnv })])
  const [a, b] = started.map(result => result.value)
  try {
    const failed = started.find(result => result.status === 'rejected')
    if (failed) throw failed.reason
    log(`M8: instances A (${a.baseUrl}) and B (${b.baseUrl}) joined by ${redis.url}`)
    // Person i is in chat i % chats, at position floor(i / chats) of it.
    const onA = i => Math.floor(i / chats) % 2 === 0
    const one = people.map((person, i) => ({ url: wsUrl(server), token: person.token, chats: person.chats, sends: onA(i) }))
    const two = people.map((person, i) => ({ url: wsUrl(onA(i) ? a : b), token: person.token, chats: person.chats, sends: onA(i) }))
    return await pair('M8 instances', { one, two }, { rate })
  }
  finally {
    await Promise.all([a?.stop(), b?.stop()])
    await redis.stop()
  }
}
