import { describe, expect, it } from 'vitest'
import { createBurstLimiter, createLimiter, enforceLimit } from '../../server/utils/rate-limit'

describe('rate limiters (in memory)', () => {
  it('allows `points` per window, then refuses with a retry delay', async () => {
    const limiter = createLimiter({ name: 'unit-fixed', points: 3, durationSeconds: 60 })
    for (let i = 0; i < 3; i++) expect((await limiter.consume('k')).allowed).toBe(true)
    const refused = await limiter.consume('k')
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterSeconds).toBeGreaterThan(0)
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60)
    expect((await limiter.check('k')).allowed).toBe(false)
    expect((await limiter.check('other')).allowed).toBe(true)
    await limiter.reset('k')
    expect((await limiter.consume('k')).allowed).toBe(true)
  })

  it('blocks a key for a given time', async () => {
    const limiter = createLimiter({ name: 'unit-block', points: 5, durationSeconds: 60 })
    await limiter.block('k', 120)
    const result = await limiter.check('k')
    expect(result.allowed).toBe(false)
    expect(result.retryAfterSeconds).toBeGreaterThan(60)
  })

  it('lets a burst through, then holds the steady rate', async () => {
    // One point per 1,000 s: nothing refills while the test runs, however slow the machine.
    const limiter = createBurstLimiter({ name: 'unit-burst', perSecond: 0.001, burst: 30 })
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.consume('user')))
    expect(results.every(result => result.allowed)).toBe(true)
    const over = await limiter.consume('user')
    expect(over.allowed).toBe(false)
    expect(over.retryAfterSeconds).toBeGreaterThan(0)
    expect((await limiter.check('user')).allowed).toBe(false)
  })

  it('is a token bucket: 30 at once, then exactly the steady rate (clock injected)', async () => {
    let now = 1_000_000
    const limiter = createBurstLimiter({ name: 'unit-bucket', perSecond: 10, burst: 30, now: () => now })
    const allowedIn = async (count: number) => (await Promise.all(Array.from({ length: count }, () => limiter.consume('user')))).filter(result => result.allowed).length
    expect(await allowedIn(40)).toBe(30)
    now += 100
    expect(await allowedIn(5)).toBe(1)
    // Ten seconds of flooding get exactly 10/s through: no extra windowed allowance on top.
    let through = 0
    for (let tick = 0; tick < 100; tick++) {
      now += 100
      through += await allowedIn(5)
    }
    expect(through).toBe(100)
    // A quiet user refills to the burst, never beyond it.
    now += 60_000
    expect(await allowedIn(40)).toBe(30)
  })

  it('enforceLimit throws the contract 429 with Retry-After', async () => {
    const limiter = createLimiter({ name: 'unit-enforce', points: 1, durationSeconds: 30 })
    await enforceLimit(limiter, 'k')
    await expect(enforceLimit(limiter, 'k')).rejects.toMatchObject({ statusCode: 429, data: { code: 'rate_limited' }, retryAfter: expect.any(Number) })
  })
})
