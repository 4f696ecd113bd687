import { describe, expect, it } from 'vitest'
import { createSendGate, MIN_SENDS_IN_FLIGHT, type SendGateSettings } from '../../server/services/messages/send-gate'

// The send gate's delay bound (server/services/messages/send-gate.ts) on an injected clock:
// slow sends lower the number let in at once, fast ones raise it again, and past the
// number in flight a send is refused at once with 503 `unavailable` and Retry-After.

function gateWith(settings: SendGateSettings) {
  let clock = 0
  const gate = createSendGate(() => settings, () => clock)
  /** Lets one send in and returns the function that ends it `tookMs` later. */
  const start = () => {
    let end!: (failure?: Error) => void
    const stored = gate.admit(() => new Promise<void>((resolve, reject) => {
      end = failure => (failure ? reject(failure) : resolve())
    }))
    return { stored, endAfter: async (tookMs: number, failure?: Error) => {
      clock += tookMs
      end(failure)
      await stored
    } }
  }
  const send = (tookMs: number) => start().endAfter(tookMs)
  return { gate, start, send }
}

describe('the send gate', () => {
  it('lets in as many sends at once as NUXT_LIMITS_SENDS_IN_FLIGHT while sends are fast', async () => {
    const { gate, start, send } = gateWith({ sendsInFlight: 8, sendDelayTargetMs: 50 })
    for (let i = 0; i < 20; i++) await send(10)
    expect(gate.limit()).toBe(8)
    const running = Array.from({ length: 8 }, () => start())
    await expect(gate.admit(async () => 'one too many')).rejects.toMatchObject({ statusCode: 503, data: { code: 'unavailable' }, retryAfter: 1 })
    await Promise.all(running.map(send => send.endAfter(1)))
    await expect(gate.admit(async () => 'room again')).resolves.toBe('room again')
  })

  it('lets fewer in while sends take longer than the target, and refuses the excess at once', async () => {
    const { gate, start, send } = gateWith({ sendsInFlight: 64, sendDelayTargetMs: 50 })
    const before = gate.limit()
    await send(80)
    expect(gate.limit()).toBeLessThan(before)
    for (let i = 0; i < 40; i++) await send(80)
    expect(gate.limit()).toBe(MIN_SENDS_IN_FLIGHT)
    const running = Array.from({ length: MIN_SENDS_IN_FLIGHT }, () => start())
    await expect(gate.admit(async () => 'queued')).rejects.toMatchObject({ statusCode: 503, data: { code: 'unavailable' }, retryAfter: 1 })
    // However slow, a lone send is always let in.
    await Promise.all(running.map(send => send.endAfter(500)))
    await expect(gate.admit(async () => 'lone')).resolves.toBe('lone')
  })

  it('lowers it once for sends that were slow together, not once per send', async () => {
    const { gate, start } = gateWith({ sendsInFlight: 64, sendDelayTargetMs: 50 })
    const together = Array.from({ length: 10 }, () => start())
    await together[0]!.endAfter(80)
    await Promise.all(together.slice(1).map(send => send.endAfter(0)))
    expect(gate.limit()).toBe(Math.floor(64 * 0.9))
  })

  it('lets more in again as sends get fast, one more per fast send, up to the bound', async () => {
    const { gate, send } = gateWith({ sendsInFlight: 64, sendDelayTargetMs: 50 })
    for (let i = 0; i < 40; i++) await send(200)
    expect(gate.limit()).toBe(MIN_SENDS_IN_FLIGHT)
    await send(5)
    expect(gate.limit()).toBe(MIN_SENDS_IN_FLIGHT + 1)
    for (let i = 0; i < 100; i++) await send(5)
    expect(gate.limit()).toBe(64)
  })

  it('counts a failed send like any other, and has no delay bound at a target of 0', async () => {
    const failing = gateWith({ sendsInFlight: 64, sendDelayTargetMs: 50 })
    for (let i = 0; i < 40; i++) {
      await expect(failing.start().endAfter(100, new Error('database timed out'))).rejects.toThrow('database timed out')
    }
    expect(failing.gate.limit()).toBe(MIN_SENDS_IN_FLIGHT)

    const unbounded = gateWith({ sendsInFlight: 64, sendDelayTargetMs: 0 })
    for (let i = 0; i < 40; i++) await unbounded.send(10_000)
    expect(unbounded.gate.limit()).toBe(64)
  })
})
