import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, signUp, type TestUser } from '../harness/api-client'
import { connectDatabase, freshDatabaseUri } from '../harness/db'
import { download, groupOf, jpegWithLocation, PDF, pixelBombPng, upload, uploaded, zipBomb } from '../harness/attachments'

// Bad uploads, each with the contract's clear error and nothing stored (docs/attachments.md),
// on an instance with small limits so the edges are cheap to reach.
const MAX_BYTES = 200 * 1024
const DAILY_BYTES = 3 * MAX_BYTES
let server: RunningServer
const baseUrl = () => server.baseUrl
// A database of its own: whatever a refused upload left would show in its totals.
const mongoUri = freshDatabaseUri(inject('mongoUri'), 'attachin')

beforeAll(async () => {
  server = await startServer({ mongoUri, env: { NUXT_ATTACHMENTS_MAX_BYTES: String(MAX_BYTES), NUXT_ATTACHMENTS_DAILY_BYTES: String(DAILY_BYTES) } })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

/** How many attachment documents and chunks this instance's database holds. */
async function stored(): Promise<{ attachments: number, chunks: number }> {
  const connection = await connectDatabase(mongoUri)
  try {
    return {
      attachments: await connection.collection('attachments').countDocuments(),
      chunks: await connection.collection('attachmentchunks').countDocuments(),
    }
  }
  finally {
    await connection.close()
  }
}

async function expectRefused(user: TestUser, chat: string, bytes: Uint8Array, options: Parameters<typeof upload>[4], status: number, code: string) {
  const result = await upload(baseUrl(), user, chat, bytes, options)
  expect([result.status, result.body?.data?.code], JSON.stringify(result.body)).toEqual([status, code])
  return result
}

describe('upload limits and bad input', () => {
  it('tells a signed-in client the size limit, so the app refuses a larger file before sending it', async () => {
    const ana = await signUp(baseUrl(), 'limread')
    expect(await api(baseUrl(), ana, 'GET', '/api/attachments/limits')).toMatchObject({ status: 200, body: { maxBytes: MAX_BYTES } })
    expect((await api(baseUrl(), null, 'GET', '/api/attachments/limits')).status).toBe(401)
  })

  it('takes exactly the size limit and refuses more, announced or streamed, storing nothing', async () => {
    const ana = await signUp(baseUrl(), 'lim')
    const chat = await groupOf(baseUrl(), ana)
    const before = await stored()
    // Said as people read sizes: "A file can have at most 200 KB."
    const refused = await expectRefused(ana, chat, Buffer.alloc(MAX_BYTES + 1, 7), {}, 413, 'payload_too_large')
    expect(refused.body.message).toBe('A file can have at most 200 KB.')
    // Without Content-Length (chunked): counted as it arrives.
    const streamed = await fetch(`${baseUrl()}/api/chats/${chat}/attachments`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${ana.token}`, 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        start(controller) {
          // Far past the limit: the answer must still arrive, not a reset connection.
          for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(MAX_BYTES / 4))
          controller.enqueue(new Uint8Array(1))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect(await stored()).toEqual(before)
    const exact = await uploaded(baseUrl(), ana, chat, Buffer.alloc(MAX_BYTES, 7))
    expect(exact.size).toBe(MAX_BYTES)
  })

  it('refuses an empty file, a false image, a zip bomb named .png and a 50,000 x 50,000 PNG', async () => {
    const ana = await signUp(baseUrl(), 'bad')
    const chat = await groupOf(baseUrl(), ana)
    const before = await stored()
    await expectRefused(ana, chat, new Uint8Array(0), { name: 'empty.txt' }, 400, 'validation_failed')
    await expectRefused(ana, chat, PDF, { name: 'scan.pdf', type: 'image/png' }, 400, 'validation_failed')
    const bomb = zipBomb()
    expect(bomb.length).toBeLessThan(MAX_BYTES)
    await expectRefused(ana, chat, bomb, { name: 'cute-cat.png' }, 400, 'validation_failed')
    await expectRefused(ana, chat, bomb, { name: 'cute-cat', type: 'image/png', multipart: true }, 400, 'validation_failed')
    const pixels = await expectRefused(ana, chat, pixelBombPng(), { name: 'huge.png', type: 'image/png' }, 400, 'validation_failed')
    expect(pixels.body.message).toMatch(/too large/)
    await expectRefused(ana, chat, Buffer.from('\x89PNG\r\n\x1A\nbroken'), { name: 'broken.png', type: 'image/png' }, 400, 'validation_failed')
    expect(await stored()).toEqual(before)
    // The server is still well: a real image after all that.
    expect((await uploaded(baseUrl(), ana, chat, await jpegWithLocation(64, 64), { name: 'ok.jpg' })).kind).toBe('image')
    // A zip that says it is a zip is just a file (never opened).
    expect((await uploaded(baseUrl(), ana, chat, bomb, { name: 'archive.zip' })).type).toBe('application/zip')
  })

  it('cleans names: no path, no NUL or control characters, at most 255 bytes with the extension kept', async () => {
    const ana = await signUp(baseUrl(), 'nam')
    const chat = await groupOf(baseUrl(), ana)
    const cases: [string, string][] = [
      ['../../etc/passwd', 'passwd'],
      ['..\\..\\boot.ini', 'boot.ini'],
      ['a\u0000b\u0007c.txt', 'abc.txt'],
      ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
      ['..', 'file'],
      ['', 'file'],
    ]
    for (const [given, stored] of cases) {
      expect((await uploaded(baseUrl(), ana, chat, PDF, { name: given })).name, JSON.stringify(given)).toBe(stored)
    }
    const long = await uploaded(baseUrl(), ana, chat, PDF, { name: `${'é'.repeat(300)}.pdf`, multipart: true })
    expect(Buffer.byteLength(long.name)).toBeLessThanOrEqual(255)
    expect(long.name).toMatch(/^é+\.pdf$/)
    const file = await download(baseUrl(), ana, long.url)
    expect(file.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(long.name)}`)
    const badHeader = await fetch(`${baseUrl()}/api/chats/${chat}/attachments`, { method: 'POST', headers: { 'authorization': `Bearer ${ana.token}`, 'x-file-name': '%E0%A4%A' }, body: PDF })
    expect(badHeader.status).toBe(400)
  })

  it('holds the daily quota: 429 with Retry-After, and the refused file is not kept', async () => {
    const ana = await signUp(baseUrl(), 'quo')
    const chat = await groupOf(baseUrl(), ana)
    for (let i = 0; i < 3; i++) await uploaded(baseUrl(), ana, chat, Buffer.alloc(MAX_BYTES - 10, i + 1))
    const before = await stored()
    const over = await expectRefused(ana, chat, Buffer.alloc(100, 9), {}, 429, 'rate_limited')
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await stored()).toEqual(before)
    // Someone else's quota is their own.
    const ben = await signUp(baseUrl(), 'quo')
    await api(baseUrl(), ana, 'POST', `/api/chats/${chat}/members`, { userIds: [ben.id] })
    expect((await upload(baseUrl(), ben, chat, PDF)).status).toBe(201)
  })
})
