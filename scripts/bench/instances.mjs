// M8 of `npm run bench`: two Parley instances joined by Redis against one. Two populations
// alike (the M1 small chats, and another of the same size): on one instance every socket of
// the first is on instance A; on two, the first half of each chat of the second is on A
// and sends, the second half is on B and only receives, so half of every delivery crosses
// Redis. The extra p99 is the cost of the second instance. The pair keeps both sets open to
// interleave their runs, so they must not share a chat (each message would also go to the
// other set's sockets, doubling the load), and both use instances on Redis: an instance
// outside the bus, writing the same chats, makes the others see each chat's seqs jump and
// wait out their gap timer (realtime/chat-order.ts) on its next message, as they must.
import { startRedis } from '../lib/redis.mjs'
import { startServer } from '../lib/stack.mjs'

const wsUrl = server => `${server.baseUrl.replace('http', 'ws')}/ws`

/**
 * Runs the pair `{ one, two }` with `pair` (scripts/bench/pairs.mjs) on two new instances of
 * the same build on the same database: `one` (`people`) on the first, `two` (`otherPeople()`,
 * in other chats) across both.
 */
export async function measureInstances({ pair, log, mongoUri, env, people, otherPeople, chats, rate }) {
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
    const one = people.map((person, i) => ({ url: wsUrl(a), token: person.token, chats: person.chats, sends: onA(i) }))
    const two = (await otherPeople()).map((person, i) => ({ url: wsUrl(onA(i) ? a : b), token: person.token, chats: person.chats, sends: onA(i) }))
    return await pair('M8 instances', { one, two }, { rate })
  }
  finally {
    await Promise.all([a?.stop(), b?.stop()])
    await redis.stop()
  }
}
