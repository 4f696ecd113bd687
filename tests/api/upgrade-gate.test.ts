import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { signUp } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// A reconnect storm is refused at once past the instance's bound, not queued
// (server/services/realtime/upgrade-gate.ts): this server handles one upgrade at a time
// (NUXT_LIMITS_WS_UPGRADES_IN_FLIGHT=1, from the upgrade request until its `ready` went out),
// so a burst must see 503 `unavailable` with Retry-After, every socket let in gets its
// `ready`, and each refused one gets in when it comes back. A slower machine only makes the
// burst overlap more.
const BURST = 12
let server: RunningServer

beforeAll(async () => {
  server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_LIMITS_WS_UPGRADES_IN_FLIGHT: '1' } })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

/** What the app's socket does after a 503: waits its Retry-After (1 s, asserted above) and tries again. */
async function comeBack(baseUrl: string, token: string, attempts = 10): Promise<TestSocket> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestSocket.connect(baseUrl, { token })
    }
    catch (error) {
      if (attempt >= attempts || !String(error).includes('upgrade refused with 503')) throw error
      await new Promise(resolve => setTimeout(resolve, 1_000))
    }
  }
}

describe('WebSocket upgrades past the instance\'s bound', () => {
  it('are refused with 503 unavailable and Retry-After, and get in when they come back', async () => {
    const user = await signUp(server.baseUrl, 'storm')
    const attempts = await Promise.allSettled(Array.from({ length: BURST }, () => TestSocket.connect(server.baseUrl, { token: user.token })))
    const accepted = attempts.flatMap(attempt => (attempt.status === 'fulfilled' ? [attempt.value] : []))
    const refusals = attempts.flatMap(attempt => (attempt.status === 'rejected' ? [String(attempt.reason)] : []))
    // Every socket let in got its `ready` (connect waits for it); the rest were refused with 503.
    expect(accepted.length).toBeGreaterThan(0)
    expect(refusals.length).toBeGreaterThan(0)
    for (const refusal of refusals) expect(refusal).toContain('upgrade refused with 503')
    // The refusal itself, while a burst holds the place: the contract's body and Retry-After.
    const burst = Array.from({ length: BURST }, () => TestSocket.upgrade(server.baseUrl, { token: user.token }))
    const answers = await Promise.all(burst)
    const busy = answers.filter(answer => answer.status === 503)
    expect(busy.length).toBeGreaterThan(0)
    for (const answer of busy) {
      expect(answer.headers['retry-after']).toBe('1')
      expect(answer.body).toMatchObject({ statusCode: 503, data: { code: 'unavailable' } })
    }
    // The client's part: come back one at a time, after Retry-After when refused again (an
    // upgrade of the burst above may still hold the place); each gets in.
    for (let i = 0; i < refusals.length; i++) accepted.push(await comeBack(server.baseUrl, user.token))
    expect(accepted.every(socket => socket.frames.some(frame => frame.type === 'ready'))).toBe(true)
    await Promise.all(accepted.map(socket => socket.close()))
  })

  it('gives the place back on every refusal: refused upgrades never lock the instance out', async () => {
    const user = await signUp(server.baseUrl, 'refused')
    for (let i = 0; i < 3; i++) expect(await TestSocket.upgradeStatus(server.baseUrl, { token: 'bad.token.here' })).toBe(401)
    const first = await TestSocket.connect(server.baseUrl, { token: user.token })
    await first.close()
    // In-band authentication goes through the same gate, and gives its place back too.
    const inBand = await TestSocket.connect(server.baseUrl)
    inBand.send({ type: 'auth', token: user.token })
    await inBand.waitFor(frame => frame.type === 'ready')
    const after = await TestSocket.connect(server.baseUrl, { token: user.token })
    expect(after.frames.some(frame => frame.type === 'ready')).toBe(true)
    await Promise.all([inBand.close(), after.close()])
  })
})
