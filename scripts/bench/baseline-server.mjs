// The baseline of `npm run bench`: a raw `ws` broadcast server, about the least a server
// can do per message on this machine. It speaks the part of Parley's protocol the load
// generator uses, so the same client code drives both: `ready` first, `message.send`
// answered by an `ack` and one `message.created` (serialized once) to every socket of the
// chat, `ping` answered by `pong`. A socket's chats come from the upgrade's `?chats=a,b`
// (Parley ignores that query and reads them from the database). No database, no auth.
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

const port = Number(process.argv[2] ?? 0)
const chats = new Map() // chatId -> Set<socket>
const lastSeq = new Map()
const http = createServer((request, response) => {
  response.writeHead(request.url === '/api/health' ? 200 : 404, { 'content-type': 'application/json' })
  response.end('{"status":"ok"}')
})
const server = new WebSocketServer({ server: http, maxPayload: 64 * 1024 })

server.on('connection', (socket, request) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const own = (url.searchParams.get('chats') ?? '').split(',').filter(Boolean)
  for (const chatId of own) {
    if (!chats.has(chatId)) chats.set(chatId, new Set())
    chats.get(chatId).add(socket)
  }
  socket.send(JSON.stringify({ type: 'ready', chats: own.map(id => ({ id, lastSeq: lastSeq.get(id) ?? 0, lastChangeSeq: lastSeq.get(id) ?? 0 })) }))
  socket.on('message', (data) => {
    let frame
    try {
      frame = JSON.parse(data.toString())
    }
    catch {
      return socket.send('{"type":"error","code":"validation_failed"}')
    }
    if (frame.type === 'ping') return socket.send(JSON.stringify({ type: 'pong', id: frame.id }))
    if (frame.type !== 'message.send') return socket.send(JSON.stringify({ type: 'error', id: frame.id, code: 'validation_failed' }))
    const seq = (lastSeq.get(frame.chatId) ?? 0) + 1
    lastSeq.set(frame.chatId, seq)
    const message = { id: `${frame.chatId}:${seq}`, chatId: frame.chatId, seq, changeSeq: seq, content: frame.content, clientId: frame.clientId, createdAt: new Date().toISOString() }
    socket.send(JSON.stringify({ type: 'ack', id: frame.id, message }))
    const event = JSON.stringify({ type: 'message.created', chatId: frame.chatId, message })
    for (const member of chats.get(frame.chatId) ?? []) member.send(event)
  })
  socket.on('close', () => {
    for (const chatId of own) chats.get(chatId)?.delete(socket)
  })
})

http.listen(port, '127.0.0.1', () => {
  process.send?.({ port: http.address().port })
})
process.on('SIGTERM', () => {
  for (const client of server.clients) client.terminate()
  http.close(() => process.exit(0))
})
