import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { freePort } from '../../scripts/lib/ferretdb.mjs'
import { call, signUp } from '../harness/api-client'
import { groupOf, PDF, upload } from '../harness/attachments'

// An unreachable file store is not a database failure (docs/deploy.md, "Logs"; docs/attachments.md):
// the upload says the file storage is not answering, /api/health still says the database is
// up, and the log line names the store's error code, never its message or credentials.

describe('an unreachable S3 store', () => {
  let server: RunningServer

  beforeAll(async () => {
    // A port nobody listens on: every S3 request is refused (ECONNREFUSED).
    const closedPort = await freePort()
    server = await startServer({
      mongoUri: inject('mongoUri'),
      env: {
        NUXT_ATTACHMENTS_STORAGE: 's3', NUXT_S3_ENDPOINT: `http://127.0.0.1:${closedPort}`, NUXT_S3_BUCKET: 'parley-files', NUXT_S3_REGION: 'us-east-1',
        NUXT_S3_ACCESS_KEY_ID: 'AKIDCLOSEDPORT', NUXT_S3_SECRET_ACCESS_KEY: 'closed-port-secret-key', NUXT_S3_FORCE_PATH_STYLE: 'true',
      },
    })
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
  })

  it('answers an upload 503 "File storage is not answering" while health says the database is up', async () => {
    const ana = await signUp(server.baseUrl, 'nos3')
    const chat = await groupOf(server.baseUrl, ana)
    const answer = await upload(server.baseUrl, ana, chat, PDF, { name: 'a.pdf' })
    expect(answer.status).toBe(503)
    expect(answer.body).toMatchObject({ message: 'File storage is not answering; try again shortly.', data: { code: 'unavailable' } })
    expect(answer.response.headers.get('retry-after')).toBe('2')

    const health = await call(server.baseUrl, '/api/health')
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({ status: 'ok', db: 'up' })

    const logs = server.logs()
    const line = logs.split('\n').find(entry => entry.includes('"msg":"request answered unavailable"') && entry.includes('/attachments'))
    expect(line).toBeDefined()
    expect(JSON.parse(line!)).toMatchObject({ level: 'warn', code: 'ECONNREFUSED' })
    expect(logs).not.toContain('closed-port-secret-key')
    expect(logs).not.toContain('The database is not answering')
  }, 60_000)
})
