// The load generator of `npm run bench`, run as its own process (pinned to its own core
// by scripts/bench.mjs). The same code drives Parley and the baseline: it opens sockets,
// waits for each one's `ready`, sends 100-byte messages at a fixed rate from random
// members, and records send-to-ack and send-to-deliver latencies (hdr-histogram-js, in
// microseconds), the delivery count per socket (lost and duplicated included) and errors.
// Commands arrive over IPC from the orchestrator; every loop is bounded by a duration.
import * as hdr from 'hdr-histogram-js'
import autocannon from 'autocannon'
import WebSocket from 'ws'

export const MESSAGE_BYTES = 100
const OPEN_CONCURRENCY = 50
const OPEN_TIMEOUT_MS = 30_000

/**
 * Named sets of sockets (one per server under test, so Parley's and the baseline's stay
 * open side by side and runs can interleave). chatSockets: chatId -> the set's open sockets
 * of that chat (members' sockets, the sender's included).
 */
const sets = new Map()
function setNamed(name) {
  if (!sets.has(name)) sets.set(name, { sockets: [], chatSockets: new Map() })
  return sets.get(name)
}
/** The run being recorded (null between runs: late frames are counted as late). */
let run = null
let messageNumber = 0

function histogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 })
}

function summary(h) {
  const ms = value => Math.round(value / 10) / 100
  return h.totalCount === 0
    ? { count: 0 }
    : { count: h.totalCount, p50: ms(h.getValueAtPercentile(50)), p99: ms(h.getValueAtPercentile(99)), p999: ms(h.getValueAtPercentile(99.9)), max: ms(h.maxValue) }
}

export function contentFor(n) {
  const head = `bench:${n}:`
  return head + 'x'.repeat(MESSAGE_BYTES - head.length)
}

function onFrame(socket, data) {
  const now = performance.now()
  let frame
  try {
    frame = JSON.parse(data.toString())
  }
  catch {
    return
  }
  if (frame.type === 'ready') {
    socket.ready = true
    socket.onReady?.()
    return
  }
  if (!run) {
    if (frame.type === 'message.created') late.count++
    return
  }
  if (frame.type === 'ack' && frame.id?.startsWith('b')) {
    const sent = run.messages.get(Number(frame.id.slice(1)))
    if (!sent || sent.ackedAt) return
    sent.ackedAt = now
    run.acked++
    run.expected += sent.expected
    run.ack.recordValue(Math.max(1, Math.round((now - sent.at) * 1000)))
  }
  else if (frame.type === 'error') {
    run.errors[frame.code] = (run.errors[frame.code] ?? 0) + 1
    const sent = frame.id?.startsWith('b') ? run.messages.get(Number(frame.id.slice(1))) : undefined
    if (sent) sent.refused = true
  }
  else if (frame.type === 'message.created') {
    const match = /^bench:(\d+):/.exec(frame.message?.content ?? '')
    if (!match) return
    const n = Number(match[1])
    const sent = run.messages.get(n)
    if (!sent) return
    if (socket.seen.has(n)) {
      run.duplicated++
      return
    }
    socket.seen.add(n)
    run.delivered++
    run.deliver.recordValue(Math.max(1, Math.round((now - sent.at) * 1000)))
  }
}
const late = { count: 0 }

function openOne({ url, token, chats }, index, chatSockets) {
  return new Promise((resolve) => {
    const query = chats.length ? `${url.includes('?') ? '&' : '?'}chats=${chats.join(',')}` : ''
    const ws = new WebSocket(url + query, { headers: token ? { authorization: `Bearer ${token}` } : {}, perMessageDeflate: false })
    const socket = { ws, chats, seen: new Set(), ready: false, index }
    const timer = setTimeout(() => finish(new Error('no ready within 30 s')), OPEN_TIMEOUT_MS)
    function finish(error) {
      clearTimeout(timer)
      socket.onReady = undefined
      resolve({ socket, error })
    }
    socket.onReady = () => finish()
    ws.on('message', data => onFrame(socket, data))
    ws.on('unexpected-response', (_request, response) => finish(new Error(`upgrade answered ${response.statusCode}`)))
    ws.on('error', error => finish(error))
    ws.on('close', (code) => {
      socket.ready = false
      socket.closeCode = code
      for (const chatId of chats) chatSockets.get(chatId)?.delete(socket)
      finish(new Error(`closed with ${code}`))
    })
  })
}

/** Opens the sockets (at most 50 upgrades in flight) and waits for each one's `ready`. */
async function open({ set: name, sockets: specs }) {
  const { sockets, chatSockets } = setNamed(name)
  const startedAt = performance.now()
  const failures = {}
  let next = 0
  async function worker() {
    while (next < specs.length) {
      const index = next++
      const { socket, error } = await openOne(specs[index], sockets.length + index, chatSockets)
      if (error) {
        failures[error.message] = (failures[error.message] ?? 0) + 1
        socket.ws.terminate()
        continue
      }
      sockets.push(socket)
      for (const chatId of socket.chats) {
        if (!chatSockets.has(chatId)) chatSockets.set(chatId, new Set())
        chatSockets.get(chatId).add(socket)
      }
    }
  }
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker))
  const seconds = (performance.now() - startedAt) / 1000
  return { opened: specs.length - Object.values(failures).reduce((a, b) => a + b, 0), seconds, perSecond: specs.length / seconds, failures }
}

async function close({ set: name }) {
  const { sockets } = setNamed(name)
  sets.delete(name)
  await Promise.all(sockets.map(socket => new Promise((resolve) => {
    if (socket.ws.readyState === WebSocket.CLOSED) return resolve()
    socket.ws.once('close', resolve)
    socket.ws.terminate()
  })))
  return { closed: sockets.length }
}

/**
 * Sends `rate` messages per second for `durationMs` from random sockets that belong to a
 * chat, then waits up to `drainMs` for the outstanding deliveries. `record: false` is a
 * warm-up: the same traffic, nothing reported.
 */
async function send({ set: name, rate, durationMs, drainMs = 10_000 }) {
  const { sockets, chatSockets } = setNamed(name)
  const senders = sockets.filter(socket => socket.ready && socket.chats.length > 0)
  if (senders.length === 0) throw new Error('no socket to send from')
  run = { messages: new Map(), sent: 0, acked: 0, expected: 0, delivered: 0, duplicated: 0, errors: {}, ack: histogram(), deliver: histogram() }
  for (const socket of sockets) socket.seen.clear()
  const startedAt = performance.now()
  const tickMs = 5
  let due = 0
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - startedAt
      if (elapsed >= durationMs) {
        clearInterval(timer)
        return resolve()
      }
      due = Math.floor((elapsed / 1000) * rate)
      while (run.sent < due) {
        const socket = senders[Math.floor(Math.random() * senders.length)]
        const chatId = socket.chats[Math.floor(Math.random() * socket.chats.length)]
        const n = ++messageNumber
        run.messages.set(n, { at: performance.now(), expected: chatSockets.get(chatId)?.size ?? 0 })
        run.sent++
        if (socket.ws.readyState !== WebSocket.OPEN) {
          run.errors.socket_closed = (run.errors.socket_closed ?? 0) + 1
          continue
        }
        socket.ws.send(JSON.stringify({ type: 'message.send', id: `b${n}`, chatId, content: contentFor(n), clientId: `b${n}` }))
      }
    }, tickMs)
  })
  const sendSeconds = (performance.now() - startedAt) / 1000
  const drainDeadline = performance.now() + drainMs
  while (performance.now() < drainDeadline) {
    const answered = [...run.messages.values()].filter(sent => sent.ackedAt || sent.refused).length
    if (answered === run.sent && run.delivered >= run.expected) break
    await new Promise(r => setTimeout(r, 50))
  }
  const result = {
    offeredRate: rate,
    achievedRate: run.sent / sendSeconds,
    sent: run.sent,
    acked: run.acked,
    refused: [...run.messages.values()].filter(sent => sent.refused).length,
    unanswered: [...run.messages.values()].filter(sent => !sent.ackedAt && !sent.refused).length,
    expected: run.expected,
    delivered: run.delivered,
    duplicated: run.duplicated,
    lost: Math.max(0, run.expected - run.delivered),
    deliveryRatio: run.expected === 0 ? 0 : run.delivered / run.expected,
    errors: run.errors,
    ack: summary(run.ack),
    deliver: summary(run.deliver),
    drainedInMs: Math.round(performance.now() - startedAt - sendSeconds * 1000),
  }
  run = null
  return result
}

/** Drives an HTTP route with autocannon for `durationMs` (logins during a storm, say). */
async function http({ url, method = 'GET', headers = {}, body, connections = 4, durationMs = 10_000 }) {
  const result = await autocannon({ url, method, headers, body, connections, duration: durationMs / 1000, timeout: 30 })
  const ok = result['2xx']
  return { requests: result.requests.total, ok, non2xx: result.non2xx, perSecond: ok / (durationMs / 1000), latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max }, errors: result.errors, timeouts: result.timeouts, statusCodes: result.statusCodeStats }
}

const commands = { open, close, send, http, lateCount: () => late.count }

process.on('message', async ({ id, command, args }) => {
  try {
    const result = await commands[command](args ?? {})
    process.send({ id, result })
  }
  catch (error) {
    process.send({ id, error: error.stack ?? String(error) })
  }
})
process.send?.({ ready: true })
