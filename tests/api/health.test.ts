import { afterAll, describe, expect, it, inject } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFerretdb } from '../../scripts/lib/ferretdb.mjs'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'

describe('GET /api/health', () => {
  it('reports the database up and the local bus', async () => {
    const response = await fetch(`${inject('baseUrl')}/api/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', db: 'up', bus: 'local' })
  })

  describe('with a database that goes away and comes back', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-health-'))
    let server: RunningServer | undefined
    afterAll(async () => {
      await server?.stop()
      rmSync(dataDir, { recursive: true, force: true })
    })

    it('answers 503 degraded while it is down and 200 again by itself', async () => {
      let database = await startFerretdb({ dataDir, log: () => {} })
      server = await startServer({ mongoUri: database.uri })
      await database.stop()

      const down = await pollHealth(server.baseUrl, 503)
      expect(down.body).toMatchObject({ status: 'degraded' })

      database = await startFerretdb({ dataDir, port: database.port, log: () => {} })
      try {
        const up = await pollHealth(server.baseUrl, 200)
        expect(up.body).toEqual({ status: 'ok', db: 'up', bus: 'local' })
      }
      finally {
        await server.stop()
        await database.stop()
      }
    })
  })
})

async function pollHealth(baseUrl: string, status: number) {
  const deadline = Date.now() + 25_000
  for (;;) {
    const response = await fetch(`${baseUrl}/api/health`)
    const body = await response.json()
    if (response.status === status || Date.now() > deadline) return { status: response.status, body }
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}
