import { describe, expect, it } from 'vitest'
import { startJoinedInstances, type Starters } from '../harness/redis'

// The multi-instance tests' harness leaves no process behind when a start fails.

function fakeStarters(failingServer: number | null) {
  const running = new Set<string>()
  let servers = 0
  const starters: Starters = {
    async startRedis() {
      running.add('redis')
      return { url: 'redis://fake', stop: async () => void running.delete('redis') }
    },
    async startServer() {
      const n = ++servers
      if (n === failingServer) throw new Error(`server ${n} never became healthy`)
      running.add(`server ${n}`)
      const stop = async () => {
        running.delete(`server ${n}`)
        return { code: 0, signal: null }
      }
      return { stop }
    },
  }
  return { starters, running }
}

describe('startJoinedInstances', () => {
  it('stops the redis-server and the other instance when one instance fails to start, and throws its failure', async () => {
    for (const failing of [1, 2]) {
      const { starters, running } = fakeStarters(failing)
      await expect(startJoinedInstances('mongodb://fake', {}, starters)).rejects.toThrow(`server ${failing} never became healthy`)
      expect([...running]).toEqual([])
    }
  })

  it('starts all three when they start, and its stop stops them all', async () => {
    const { starters, running } = fakeStarters(null)
    const joined = await startJoinedInstances('mongodb://fake', {}, starters)
    expect([...running].sort()).toEqual(['redis', 'server 1', 'server 2'])
    await joined.stop()
    expect([...running]).toEqual([])
  })
})
