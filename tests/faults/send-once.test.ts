import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import type { Message } from '#shared/types/api'
import { api, eventually, signUp, type TestUser } from '../harness/api-client'
import { PDF, uploaded } from '../harness/attachments'
import { printFigures, startFaultDatabase, storedMessages, type FaultDatabase } from '../harness/faults'
import { waitForLogLine } from '../harness/shutdown'

// The duplicate "database SIGSTOP 10 s" once stored (issue 17): a send's insert reached a
// stalled database, the writer's driver gave up on it (a timeout), and the insert landed
// when the database resumed. The old writer then deleted the send's clientId key, a later
// message took the next seq, and the client's retry, finding no key, stored the send again
// after it. Here each step is forced by the test-only fault points (the instance stops itself
// there: PARLEY_TEST_STOP_AT) and by stalling the database, never by a race against a timer.
// A send with one (chat, sender, clientId) must be stored at most once, and every ack names it.

let database: FaultDatabase
const servers: RunningServer[] = []

beforeAll(async () => {
  database = await startFaultDatabase()
})

afterAll(async () => {
  await Promise.all(servers.map(server => server.stop('SIGKILL')))
  database?.resume()
  await database?.stop()
})

async function instance(env: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServer({ mongoUri: database.uri, env })
  servers.push(server)
  return server
}

const stoppedAt = (server: RunningServer, point: string) =>
  waitForLogLine(server, entry => entry.msg === 'fault point reached; stopping' && entry.point === point, 30_000)

async function setUp(server: RunningServer, prefix: string) {
  const [alice, bob] = await Promise.all([signUp(server.baseUrl, `${prefix}a`), signUp(server.baseUrl, `${prefix}b`)])
  const created = await api(server.baseUrl, alice, 'POST', '/api/chats', { type: 'group', name: prefix, memberIds: [bob.id] })
  expect(created.status).toBe(201)
  const chatId = created.body.id as string
  const send = (on: RunningServer, user: TestUser, content: string, clientId: string, attachments?: string[]) =>
    api<Message>(on.baseUrl, user, 'POST', `/api/chats/${chatId}/messages`, { content, clientId, ...(attachments ? { attachments } : {}) })
  return { alice, bob, chatId, send }
}

describe('a send is stored at most once', () => {
  it('when its insert timed out on a stalled database but landed after all', async () => {
    // The driver gives up on a silent database after 3 × 2 s; the request's own deadline and
    // the key's lease are far longer, so neither plays a part.
    const faulty = await instance({
      PARLEY_TEST_STOP_AT: 'send.before-insert,send.store-failed', PARLEY_TEST_STOP_CLIENT_ID: 'unknown-',
      NUXT_TIMINGS_DB_OPERATION_TIMEOUT_MS: '2000', NUXT_TIMINGS_REQUEST_DEADLINE_MS: '60000', NUXT_TIMINGS_CLIENT_KEY_LEASE_MS: '600000',
    })
    const reader = await instance()
    const { alice, bob, chatId, send } = await setUp(reader, 'unknown')

    // Alice's send, with a file, stops right before its insert; the database stalls; the insert goes out and times out.
    const file = await uploaded(reader.baseUrl, alice, chatId, PDF, { name: 'notes.pdf', type: 'application/pdf' })
    const first = send(faulty, alice, 'alice wrote this', 'unknown-1', [file.id])
    await stoppedAt(faulty, 'send.before-insert')
    await database.stall()
    faulty.process.kill('SIGCONT')
    await stoppedAt(faulty, 'send.store-failed')
    // The database resumes and carries out the insert its client gave up on.
    database.resume()
    const landed = await eventually(async () => {
      const stored = await storedMessages(reader.baseUrl, bob, chatId)
      return stored.length === 1 ? stored[0]! : null
    }, 30_000)
    expect(landed).toMatchObject({ seq: 1, clientId: 'unknown-1', sender: { id: alice.id } })

    // The writer ends: Alice is told to retry. Bob's send comes first and takes the next seq.
    faulty.process.kill('SIGCONT')
    const firstAnswer = await first
    const bobs = await send(reader, bob, 'bob wrote this', 'bob-1')
    expect(bobs.body.seq).toBe(2)

    // Alice's outbox retries, on either instance: both acks name her message stored at seq 1.
    const retried = await send(faulty, alice, 'alice wrote this', 'unknown-1', [file.id])
    const elsewhere = await send(reader, alice, 'alice wrote this', 'unknown-1', [file.id])
    const stored = await storedMessages(reader.baseUrl, bob, chatId)
    // The file the first writer claimed but could not tie is tied to the message by the retry, once.
    const files = await api(reader.baseUrl, bob, 'GET', `/api/chats/${chatId}/attachments`)
    printFigures('insert timed out, landed later', {
      firstAnswer: firstAnswer.status, retry: retried.status, elsewhere: elsewhere.status, acked: 2, stored: stored.length,
      duplicated: stored.filter(message => message.clientId === 'unknown-1').length - 1,
    })
    expect(firstAnswer.status).toBe(503)
    expect(retried.status).toBe(200)
    expect(retried.body.id).toBe(landed.id)
    expect(elsewhere.body.id).toBe(landed.id)
    expect(retried.body.attachments.map(attachment => attachment.id)).toEqual([file.id])
    expect(files.body.items).toHaveLength(1)
    expect(files.body.items[0]).toMatchObject({ messageId: landed.id })
    expect(stored.map(message => [message.seq, message.sender.id, message.content])).toEqual([[1, alice.id, 'alice wrote this'], [2, bob.id, 'bob wrote this']])
  })

  it('when its first writer resumes after the lease, after a retry on another instance stored it', async () => {
    // The first instance's writer stops before its insert; on the second, the lease is 1 ms, so
    // Alice's retry takes the key over at once (as if the first had stalled past the lease).
    const stalled = await instance({ PARLEY_TEST_STOP_AT: 'send.before-insert', PARLEY_TEST_STOP_CLIENT_ID: 'late-', NUXT_TIMINGS_REQUEST_DEADLINE_MS: '60000' })
    const other = await instance({ NUXT_TIMINGS_CLIENT_KEY_LEASE_MS: '1' })
    const { alice, bob, chatId, send } = await setUp(other, 'late')

    const first = send(stalled, alice, 'alice wrote this', 'late-1')
    await stoppedAt(stalled, 'send.before-insert')
    // Bob takes the seq Alice's key points at, then Alice's retry stores her message after it.
    const bobs = await send(other, bob, 'bob wrote this', 'bob-1')
    const retried = await send(other, alice, 'alice wrote this', 'late-1')
    expect([bobs.body.seq, retried.status, retried.body.seq]).toEqual([1, 201, 2])
    // A third message, then the first writer resumes: it walks into Alice's stored message and acks that.
    const bobsNext = await send(other, bob, 'bob again', 'bob-2')
    stalled.process.kill('SIGCONT')
    const firstAnswer = await first
    const stored = await storedMessages(other.baseUrl, bob, chatId)
    printFigures('first writer resumes after the lease', {
      firstAnswer: firstAnswer.status, retry: retried.status, acked: 3, stored: stored.length,
      duplicated: stored.filter(message => message.clientId === 'late-1').length - 1,
    })
    expect(bobsNext.body.seq).toBe(3)
    expect(firstAnswer.status).toBe(200)
    expect(firstAnswer.body.id).toBe(retried.body.id)
    expect(stored.map(message => [message.seq, message.sender.id, message.content])).toEqual([[1, bob.id, 'bob wrote this'], [2, alice.id, 'alice wrote this'], [3, bob.id, 'bob again']])
  })
})
