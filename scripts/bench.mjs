// `npm run bench`: a history page, a send and `/changes` on the embedded engine, with
// 1,000 and then 50,000 messages in the database. Every one of them reads by `_id`, so
// the page at 50,000 should stay within 2x of the page at 1,000. A benchmark, not a test:
// it prints timings and exits non-zero only when that bound is broken.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import mongoose from 'mongoose'
import { SERVER_ENTRY, build, startDatabase, startServer } from './lib/stack.mjs'

const SIZES = [1_000, 50_000]
const RUNS = 30

// The same derivation as messageIdFor() in server/models/message.ts.
function messageIdFor(chatId, seq) {
  const bytes = Buffer.alloc(12)
  createHash('sha256').update(`parley-chat:${chatId}`).digest().subarray(0, 8).copy(bytes, 0)
  bytes.writeUInt32BE(seq, 8)
  return new mongoose.Types.ObjectId(bytes)
}

async function call(baseUrl, token, method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return text ? JSON.parse(text) : null
}

async function median(task) {
  for (let i = 0; i < 3; i++) await task(-1 - i) // warm up (JIT, connections)
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await task(i)
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

/** Adds messages `from`..`to` to the chat directly in the database (as the service stores them). */
async function fill(db, chatId, senderId, from, to) {
  const now = new Date()
  for (let start = from; start <= to; start += 1_000) {
    const seqs = Array.from({ length: Math.min(1_000, to - start + 1) }, (_, i) => start + i)
    await db.collection('messages').insertMany(seqs.map(seq => ({
      _id: messageIdFor(chatId, seq), chatId, seq, changeSeq: seq, senderId, content: `message number ${seq} ${'lorem ipsum '.repeat(15)}`,
      clientId: null, replyToId: null, reactions: [], editedAt: null, deletedAt: null, createdAt: now,
    })))
    await db.collection('messagechanges').insertMany(seqs.map(seq => ({ _id: `${chatId}:${seq}`, messageId: messageIdFor(chatId, seq) })))
  }
  await db.collection('chats').updateOne({ _id: new mongoose.Types.ObjectId(chatId) }, { $set: { lastSeq: to, lastChangeSeq: to, lastActivityAt: now } })
}

if (!existsSync(SERVER_ENTRY)) build()
const database = await startDatabase()
const server = await startServer({ mongoUri: database.uri, env: { NUXT_LIMITS_SEND_RATE: '1000000', NUXT_LIMITS_SEND_BURST: '1000000', NUXT_LOG_LEVEL: 'warn' } })
try {
  const username = `bench${randomBytes(3).toString('hex')}`
  const auth = await call(server.baseUrl, '', 'POST', '/api/auth/register', { username, password: 'benchmark password' })
  const token = auth.accessToken
  const chat = await call(server.baseUrl, token, 'POST', '/api/chats', { type: 'group', name: 'Bench', memberIds: [] })
  const connection = await mongoose.createConnection(database.uri).asPromise()
  const results = []
  for (const size of SIZES) {
    const { lastSeq } = await call(server.baseUrl, token, 'GET', `/api/chats/${chat.id}`)
    await fill(connection, chat.id, auth.user.id, lastSeq + 1, size)
    const page = await median(() => call(server.baseUrl, token, 'GET', `/api/chats/${chat.id}/messages?limit=50`))
    const around = await median(() => call(server.baseUrl, token, 'GET', `/api/chats/${chat.id}/messages?around=${Math.floor(size / 2)}&limit=50`))
    const changes = await median(async () => {
      const { lastChangeSeq } = await call(server.baseUrl, token, 'GET', `/api/chats/${chat.id}`)
      return call(server.baseUrl, token, 'GET', `/api/chats/${chat.id}/changes?since=${lastChangeSeq - 50}&limit=50`)
    })
    const send = await median(i => call(server.baseUrl, token, 'POST', `/api/chats/${chat.id}/messages`, { content: `bench ${size} ${i}` }))
    results.push({ messages: size, page, around, changes, send })
  }
  await connection.close()
  console.log('\nmedian ms over', RUNS, 'runs (embedded FerretDB, over HTTP)')
  console.table(results.map(r => ({ 'messages': r.messages, 'history page (50)': r.page.toFixed(1), 'around= (50)': r.around.toFixed(1), 'changes (50)': r.changes.toFixed(1), 'send': r.send.toFixed(1) })))
  const ratio = results[1].page / results[0].page
  console.log(`history page at ${SIZES[1]} / at ${SIZES[0]}: ${ratio.toFixed(2)}x (bound: 2x)`)
  process.exitCode = ratio <= 2 ? 0 : 1
}
finally {
  await server.stop()
  await database.stop()
}
