import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, eventually, signUp } from '../harness/api-client'
import { download, groupOf, jpegWithLocation, PDF, uploaded } from '../harness/attachments'
import { connectServices, createTestUser, disconnectServices, isIdLookup, recordCommands } from '../harness/services'
import { AttachmentChunkModel, AttachmentModel } from '../../server/models'
import { createChat, removeChat, settleCleanups } from '../../server/services/chats/chats'
import { findChat } from '../../server/services/chats/access'
import { sweepUnsentAttachments } from '../../server/services/attachments/lifecycle'
import { CHUNK_BYTES, databaseStorage } from '../../server/services/attachments/storage/database'
import { uploadAttachment } from '../../server/services/attachments/upload'
import { sendMessage } from '../../server/services/messages/send'

// Where the bytes live (docs/attachments.md, "Storage" and "Lifecycle"): the database's
// chunk documents, read by `_id` only, and an S3-compatible bucket (s3rver, started here).

const TWENTY_MIB = 20 * 1024 * 1024

describe('the database storage', () => {
  beforeAll(async () => {
    await connectServices('attachstore', { monitorCommands: true })
  })
  afterAll(async () => {
    await disconnectServices()
  })

  it('round-trips 20 MiB byte for byte through the API on the embedded engine', async () => {
    const baseUrl = inject('baseUrl')
    const ana = await signUp(baseUrl, 'big')
    const chat = await groupOf(baseUrl, ana)
    const bytes = randomBytes(TWENTY_MIB)
    const attachment = await uploaded(baseUrl, ana, chat, bytes, { name: 'big.bin' })
    expect(attachment).toMatchObject({ size: TWENTY_MIB, type: 'application/octet-stream', kind: 'file' })
    const file = await download(baseUrl, ana, attachment.url)
    expect(file.bytes.length).toBe(TWENTY_MIB)
    expect(file.bytes.equals(bytes)).toBe(true)
    // A range across a chunk boundary.
    const from = CHUNK_BYTES * 3 - 10
    const part = await download(baseUrl, ana, attachment.url, { range: `bytes=${from}-${from + 99}` })
    expect(part.bytes.equals(bytes.subarray(from, from + 100))).toBe(true)
  }, 120_000)

  it('reads a 20 MiB file with `_id` lookups only: one `$in` per eight chunks', async () => {
    const bytes = randomBytes(TWENTY_MIB)
    const size = await databaseStorage.put('direct-read', Readable.from([bytes.subarray(0, 12345), bytes.subarray(12345)]), 'application/octet-stream')
    expect(size).toBe(TWENTY_MIB)
    const { result, commands } = await recordCommands(async () => {
      const chunks: Buffer[] = []
      for await (const chunk of databaseStorage.read({ key: 'direct-read', size }, { start: 0, end: size - 1 })) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks)
    })
    expect(result.equals(bytes)).toBe(true)
    const chunkCount = Math.ceil(TWENTY_MIB / CHUNK_BYTES)
    expect(commands.length).toBe(Math.ceil(chunkCount / 8))
    expect(commands.every(command => command.name === 'find' && command.collection === 'attachmentchunks' && isIdLookup(command.filter))).toBe(true)
    await databaseStorage.remove([{ key: 'direct-read', size }])
    expect(await AttachmentChunkModel.countDocuments({ _id: { $in: ['direct-read:0', `direct-read:${chunkCount - 1}`] } })).toBe(0)
  }, 120_000)

  it('sends files with `_id`-keyed commands only: one `$in` read, one claim, their entries in the Files panel', async () => {
    const ana = await createTestUser()
    const { chat } = await createChat(ana, { type: 'group', name: 'Keys', memberIds: [] })
    const files = await Promise.all(['a.pdf', 'b.pdf'].map(async name => (await uploadAttachment(ana, chat.id, { name, declaredType: '', source: Readable.from([PDF]) })).attachment))
    const { result, commands } = await recordCommands(() => sendMessage(ana, chat.id, { content: 'two files', attachments: files.map(file => file.id) }))
    expect(result.message.attachments.map(file => file.name)).toEqual(['a.pdf', 'b.pdf'])
    const onAttachments = commands.filter(command => command.collection === 'attachments')
    // Resolve, claim, tie to the message, render: each one command whatever the number of files.
    expect(onAttachments.map(command => command.name)).toEqual(['find', 'update', 'update', 'find'])
    // Every filter starts from `_id` (equality or `$in`): the embedded engine's index.
    expect(commands.every(command => command.filter === null || (typeof command.filter === 'object' && '_id' in (command.filter as object)))).toBe(true)
  })

  it('sweeps uploads not sent within the TTL and keeps sent ones; a deleted chat takes its files', async () => {
    const ana = await createTestUser()
    const { chat } = await createChat(ana, { type: 'group', name: 'Sweep', memberIds: [] })
    const put = async (name: string) => (await uploadAttachment(ana, chat.id, { name, declaredType: 'application/pdf', source: Readable.from([PDF]) })).attachment
    const [unsent, sent] = [await put('unsent.pdf'), await put('sent.pdf')]
    await sendMessage(ana, chat.id, { content: '', attachments: [sent.id] })
    expect(await sweepUnsentAttachments(new Date())).toBe(0)
    expect(await sweepUnsentAttachments(new Date(Date.now() + 2 * 60 * 60 * 1000))).toBe(1)
    expect(await AttachmentModel.exists({ _id: unsent.id })).toBeNull()
    expect(await AttachmentChunkModel.exists({ _id: `${unsent.id}:0` })).toBeNull()
    await expect(sendMessage(ana, chat.id, { content: 'late', attachments: [unsent.id] })).rejects.toMatchObject({ statusCode: 400 })

    await removeChat((await findChat(chat.id))!)
    await settleCleanups()
    expect(await AttachmentModel.exists({ _id: sent.id })).toBeNull()
    expect(await AttachmentChunkModel.exists({ _id: `${sent.id}:0` })).toBeNull()
  })
})

describe('the S3 storage (s3rver)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'parley-s3-'))
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: 'parley-files', configs: [] }] })
  let server: RunningServer
  let bucket: S3Client

  beforeAll(async () => {
    const { port } = await s3rver.run()
    const endpoint = `http://127.0.0.1:${port}`
    server = await startServer({
      mongoUri: inject('mongoUri'),
      env: {
        NUXT_ATTACHMENTS_STORAGE: 's3', NUXT_S3_ENDPOINT: endpoint, NUXT_S3_BUCKET: 'parley-files', NUXT_S3_REGION: 'us-east-1',
        NUXT_S3_ACCESS_KEY_ID: 'S3RVER', NUXT_S3_SECRET_ACCESS_KEY: 'S3RVER', NUXT_S3_FORCE_PATH_STYLE: 'true',
      },
    })
    bucket = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } })
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
    await s3rver.close().catch(() => {})
    rmSync(directory, { recursive: true, force: true })
  })

  const keys = async () => ((await bucket.send(new ListObjectsV2Command({ Bucket: 'parley-files' }))).Contents ?? []).map(object => object.Key).sort()

  it('stores, serves with ranges, and deletes with the message', async () => {
    const ana = await signUp(server.baseUrl, 's3')
    const chat = await groupOf(server.baseUrl, ana)
    const bytes = randomBytes(6 * 1024 * 1024 + 17) // more than one 5 MiB part
    const big = await uploaded(server.baseUrl, ana, chat, bytes, { name: 'big.bin' })
    const photo = await uploaded(server.baseUrl, ana, chat, await jpegWithLocation(900, 300), { name: 'wide.jpg', multipart: true })
    expect(await keys()).toEqual([big.id, photo.id, `${photo.id}-thumb`].sort())
    const file = await download(server.baseUrl, ana, big.url)
    expect(file.bytes.equals(bytes)).toBe(true)
    const part = await download(server.baseUrl, ana, big.url, { range: 'bytes=5242870-5242889' })
    expect([part.status, part.headers.get('content-range')]).toEqual([206, `bytes 5242870-5242889/${bytes.length}`])
    expect(part.bytes.equals(bytes.subarray(5242870, 5242890))).toBe(true)
    const thumbnail = await download(server.baseUrl, ana, photo.thumbnailUrl!)
    expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp'])

    const sent = await api(server.baseUrl, ana, 'POST', `/api/chats/${chat}/messages`, { content: 'both', attachments: [big.id, photo.id] })
    expect(sent.status).toBe(201)
    expect((await api(server.baseUrl, ana, 'DELETE', `/api/messages/${sent.body.id}`)).status).toBe(204)
    expect(await keys()).toEqual([])
    expect((await download(server.baseUrl, ana, big.url)).status).toBe(404)
  }, 120_000)
})

describe('the sweep on a running instance', () => {
  let server: RunningServer
  beforeAll(async () => {
    // Every upload is past its hour at once; the sweep runs every 100 ms.
    server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_TIMINGS_ATTACHMENT_TTL_MS: '1', NUXT_TIMINGS_ATTACHMENT_SWEEP_MS: '100' } })
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
  })

  it('removes an upload nobody sent (NUXT_TIMINGS_ATTACHMENT_TTL_MS), and a later send of it is refused', async () => {
    const ana = await signUp(server.baseUrl, 'swp')
    const chat = await groupOf(server.baseUrl, ana)
    const file = await uploaded(server.baseUrl, ana, chat, PDF)
    await eventually(async () => (await download(server.baseUrl, ana, file.url)).status === 404, 15_000, 'the sweep')
    const late = await api(server.baseUrl, ana, 'POST', `/api/chats/${chat}/messages`, { attachments: [file.id] })
    expect([late.status, late.body.data.code]).toEqual([400, 'validation_failed'])
  })
})
