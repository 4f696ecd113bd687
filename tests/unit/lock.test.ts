import { describe, expect, it } from 'vitest'
import { activeLockCount, withLock } from '../../server/utils/lock'

describe('withLock', () => {
  it('runs tasks on one key one at a time, in arrival order', async () => {
    const order: number[] = []
    let running = 0
    await Promise.all(Array.from({ length: 5 }, (_, i) => withLock('k', async () => {
      running++
      expect(running).toBe(1)
      await new Promise(resolve => setTimeout(resolve, 2))
      order.push(i)
      running--
    })))
    expect(order).toEqual([0, 1, 2, 3, 4])
  })

  it('does not serialize different keys, and forgets idle keys even after a failure', async () => {
    let concurrent = 0
    let peak = 0
    const task = async () => {
      peak = Math.max(peak, ++concurrent)
      await new Promise(resolve => setTimeout(resolve, 5))
      concurrent--
    }
    await Promise.all([withLock('a', task), withLock('b', task)])
    expect(peak).toBe(2)
    await expect(withLock('c', async () => {
      throw new Error('fails')
    })).rejects.toThrow('fails')
    expect(activeLockCount()).toBe(0)
  })
})
