// M6 of `npm run bench`: the cost of the read paths and a send as the database grows,
// against the engine's own findById at the same sizes. Every hot path reads by `_id`, so
// each figure at the large size should stay within 1.5x of the small one.
import { createHash } from 'node:crypto'
import mongoose from 'mongoose'
import { call, registerOwner } from './population.mjs'

// The same derivation as messageIdFor() in server/models/message.ts.
function messageIdFor(chatId, seq) {
  const bytes = Buffer.alloc(12)
  createHash('sha256').update(`parley-chat:${chatId}`).digest().subarray(0, 8).copy(bytes, 0)
  bytes.writeUInt32BE(seq, 8)
  return new mongoose.Types.ObjectId(bytes)
}

async function median(task, runs) {
  for (let i = 0; i < 3; i++) await task(-1 - i) // warm up (JIT, connections)
  const times = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await task(i)
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return Math.round(times[Math.floor(times.length / 2)] * 100) / 100
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

export async function measureDataSize({ baseUrl, mongoUri, sizes, chatCounts, runs, log }) {
  const owner = await registerOwner(baseUrl)
  const token = owner.token
  const chat = await call(baseUrl, token, 'POST', '/api/chats', { type: 'group', name: 'Bench sizes', memberIds: [] })
  const connection = await mongoose.createConnection(mongoUri).asPromise()
  const messages = []
  try {
    for (const size of sizes) {
      const { lastSeq } = await call(baseUrl, token, 'GET', `/api/chats/${chat.id}`)
      log(`M6: ${size} messages in one chat`)
      await fill(connection, chat.id, owner.id, lastSeq + 1, size)
      const findById = await median(i => connection.collection('messages').findOne({ _id: messageIdFor(chat.id, 1 + ((i + 100) * 7919) % size) }), runs)
      const page = await median(() => call(baseUrl, token, 'GET', `/api/chats/${chat.id}/messages?limit=50`), runs)
      const deepPage = await median(() => call(baseUrl, token, 'GET', `/api/chats/${chat.id}/messages?before=${Math.floor(size / 10)}&limit=50`), runs)
      const around = await median(() => call(baseUrl, token, 'GET', `/api/chats/${chat.id}/messages?around=${Math.floor(size / 2)}&limit=50`), runs)
      const changes = await median(async () => {
        const { lastChangeSeq } = await call(baseUrl, token, 'GET', `/api/chats/${chat.id}`)
        return call(baseUrl, token, 'GET', `/api/chats/${chat.id}/changes?since=${lastChangeSeq - 50}&limit=50`)
      }, runs)
      const send = await median(i => call(baseUrl, token, 'POST', `/api/chats/${chat.id}/messages`, { content: `bench ${size} ${i}` }), runs)
      messages.push({ messages: size, findById, page, deepPage, around, changes, send })
    }
    const chatList = []
    let made = 1 // the group above
    for (const count of chatCounts) {
      log(`M6: the chat list of a person in ${count} chats`)
      for (; made < count; made++) await call(baseUrl, token, 'POST', '/api/chats', { type: 'channel', name: `bench list ${owner.username} ${made}` })
      const list = await median(() => call(baseUrl, token, 'GET', '/api/chats?limit=30'), runs)
      chatList.push({ chats: count, chatList: list })
    }
    return { messages, chatList }
  }
  finally {
    await connection.close()
  }
}
