import { afterAll, describe, expect, it, inject } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFerretdb } from '../../scripts/lib/ferretdb.mjs'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { call, eventually } from '../harness/api-client'

// Which build answers (docs/deploy.md, "Upgrading"): package.json's version and the commit
// built (git's short hash, or unknown when built without git).
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
const BUILD = { version: packageJson.version, commit: expect.stringMatching(/^([0-9a-f]{7,40}|unknown)$/) }

describe('GET /api/health', () => {
  it('reports the database up and the local bus', async () => {
    const response = await fetch(`${inject('baseUrl')}/api/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', db: 'up', bus: 'local', ...BUILD })
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
        expect(up.body).toEqual({ status: 'ok', db: 'up', bus: 'local', ...BUILD })
        // The start-up line names the same build.
        const starting = server.logs().split('\n').find(line => line.includes('"msg":"starting"'))
        expect(JSON.parse(starting!)).toMatchObject({ level: 'info', version: packageJson.version, commit: (up.body as { commit: string }).commit })
      }
      finally {
        await server.stop()
        await database.stop()
      }
    })
  })
})

/** The health answer once it has `status` (the database's state changes on its own time). */
async function pollHealth(baseUrl: string, status: number) {
  return eventually(async () => {
    const answer = await call(baseUrl, '/api/health')
    return answer.status === status ? answer : null
  }, 25_000, `health ${status}`)
}
