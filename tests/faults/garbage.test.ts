import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, signUp, type TestUser } from '../harness/api-client'
import { printFigures, startFaultDatabase, storedMessages, type FaultDatabase } from '../harness/faults'
import { TestSocket } from '../harness/ws-client'

// Garbage input (issue 17): 1 MiB frames, binary frames, invalid UTF-8, 100k-deep JSON,
// 10 MB bodies, NUL and lone surrogates. Each gets the contract's answer (a close code,
// an error frame, 400 or 413), nothing already acked is lost, and the server stays up.

let database: FaultDatabase
let server: RunningServer
let user: TestUser
let chatId: string

beforeAll(async () => {
  database = await startFaultDatabase()
  server = await startServer({ mongoUri: database.uri })
  user = await signUp(server.baseUrl, 'junk')
  chatId = (await api(server.baseUrl, user, 'POST', '/api/chats', { type: 'group', name: 'Junk', memberIds: [] })).body.id
})

afterAll(async () => {
  await server?.stop('SIGKILL')
  await database?.stop()
})

const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

/** A raw POST of `body` (bytes as given), answered status and parsed body. */
function rawPost(path: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number, body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${user.token}`, 'content-length': String(body.length), ...headers } }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk))
      res.on('end', () => {
        let parsed: unknown = text
        try {
          parsed = JSON.parse(text)
        }
        catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed })
      })
    })
    // The server may answer 413 and close before the whole body is written.
    req.on('error', error => (error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? resolve({ status: 413, body: 'closed while sending' }) : reject(error)))
    req.end(body)
  })
}

async function closeCodeOf(send: (socket: TestSocket) => void): Promise<number> {
  const socket = await TestSocket.connect(server.baseUrl, { token: user.token })
  send(socket)
  return (await socket.closed).code
}

describe('garbage input', () => {
  it('answers every kind with the contract\'s error, loses nothing and stays up', async () => {
    const socket = await TestSocket.connect(server.baseUrl, { token: user.token })
    const before = await socket.request({ type: 'message.send', chatId, content: 'before the garbage', clientId: 'before' })
    expect(before.type).toBe('ack')
    const messagesPath = `/api/chats/${chatId}/messages`
    const answers: Record<string, string | number> = {}

    // WebSocket: frames that close the socket.
    answers.wsOneMiB = await closeCodeOf(s => s.sendRaw('x'.repeat(1024 * 1024)))
    answers.wsBinary = await closeCodeOf(s => s.sendRaw(Buffer.from([1, 2, 3]), { binary: true }))
    answers.wsInvalidUtf8 = await closeCodeOf(s => s.sendRaw(Buffer.from([0x7B, 0xFF, 0xFE, 0x7D]), { binary: false }))
    answers.wsDeep100k = await closeCodeOf(s => s.sendRaw(deepJson(100_000)))
    // WebSocket: frames answered with an error frame, the socket staying open.
    let pings = 0
    const errorCode = async (frame: string) => {
      socket.sendRaw(frame)
      const id = `still-open-${++pings}`
      socket.send({ type: 'ping', id })
      const answer = await socket.waitFor(f => f.type === 'pong' && f.id === id).catch(() => null)
      const error = socket.frames.filter(f => f.type === 'error').at(-1)
      return `${error?.code ?? 'none'}${answer ? '' : '+closed'}`
    }
    answers.wsDeep30k = await errorCode(deepJson(30_000))
    answers.wsDeepObject = await errorCode(`{"type":"message.send","id":"deep","chatId":"${chatId}","clientId":"deep","content":${deepJson(20_000)}}`)
    answers.wsNul = (await socket.request({ type: 'message.send', chatId, content: 'nul\u0000here', clientId: 'nul' })).code as string
    answers.wsLoneSurrogate = (await socket.request({ type: 'message.send', chatId, content: 'half \ud83d', clientId: 'surrogate' })).code as string

    // HTTP bodies.
    answers.http10MB = (await rawPost(messagesPath, Buffer.alloc(10 * 1024 * 1024, 'a'))).status
    answers.httpDeep100k = (await rawPost(messagesPath, Buffer.from(deepJson(100_000)))).status
    answers.httpDeep20k = (await rawPost(messagesPath, Buffer.from(`{"content":${deepJson(20_000)}}`))).status
    answers.httpInvalidUtf8 = (await rawPost(messagesPath, Buffer.concat([Buffer.from('{"content":"'), Buffer.from([0xFF, 0xFE, 0xC0]), Buffer.from('"}')]))).status
    answers.httpNul = (await api(server.baseUrl, user, 'POST', messagesPath, { content: 'nul\u0000here' })).status
    answers.httpLoneSurrogate = (await rawPost(messagesPath, Buffer.from('{"content":"half \\ud83d"}'))).status
    answers.httpNotJson = (await rawPost(messagesPath, Buffer.from('{"content": nope'))).status

    const after = await socket.request({ type: 'message.send', chatId, content: 'after the garbage', clientId: 'after' })
    const stored = await storedMessages(server.baseUrl, user, chatId)
    const health = (await fetch(`${server.baseUrl}/api/health`)).status
    printFigures('garbage input', { ...answers, storedMessages: stored.length, health, serverAlive: server.process.exitCode === null ? 1 : 0 })

    expect(answers).toMatchObject({
      wsOneMiB: 1009, wsBinary: 1003, wsInvalidUtf8: 1007, wsDeep100k: 1009,
      wsDeep30k: 'validation_failed', wsDeepObject: 'validation_failed', wsNul: 'validation_failed', wsLoneSurrogate: 'validation_failed',
      http10MB: 413, httpDeep100k: 413, httpInvalidUtf8: 400, httpDeep20k: 400, httpNul: 400, httpLoneSurrogate: 400, httpNotJson: 400,
    })
    expect(after.type).toBe('ack')
    expect(stored.map(message => message.clientId)).toEqual(expect.arrayContaining(['before', 'after']))
    expect(stored.some(message => message.content.includes('\u0000'))).toBe(false)
    expect(health).toBe(200)
    await socket.close()
  })
})
