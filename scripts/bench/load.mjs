// The load generator of `npm run bench`, run as its own process (pinned to its own core
// by scripts/bench.mjs). The same code drives Parley and the baseline: it opens sockets,
// waits for each one's `ready`, sends 100-byte messages at a fixed rate from random
// members, and records send-to-ack and send-to-deliver latencies, the delivery count per
// socket (lost and duplicated included) and errors. The reconnect storm (M5) has its own
// sockets (scripts/bench/resume.mjs). Commands arrive over IPC from the orchestrator;
// every loop is bounded by a duration.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import autocannon from 'autocannon'
import WebSocket from 'ws'
import { resumeCommands } from './resume.mjs'
import { contentFor, histogram, openMany, openSocket, recordMs, summary, terminateAll } from './sockets.mjs'

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
/** The load generator's stalls are timed by a timer of this period: what it fires later than that. */
const LAG_RESOLUTION_MS = 5
const stallMs = intervalNs => Math.max(0, intervalNs / 1e6 - LAG_RESOLUTION_MS)

/** The run being recorded (null between runs: late frames are counted as late). */
let run = null
let messageNumber = 0
const late = { count: 0 }

function onFrame(socket, frame, now) {
  if (frame.type === 'ready') return
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
    recordMs(run.ack, now - sent.at)
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
    socket.seen ??= new Set()
    if (socket.seen.has(n)) {
      run.duplicated++
      return
    }
    socket.seen.add(n)
    sent.delivered++
    run.delivered++
    recordMs(run.deliver, now - sent.at)
  }
}

/**
 * Opens the sockets and waits for each one's `ready`. A spec with `sends: false` only
 * receives (M8 sends from one instance only).
 */
async function open({ set: name, sockets: specs }) {
  const { sockets, chatSockets } = setNamed(name)
  const onClose = (socket) => {
    for (const chatId of socket.chats) chatSockets.get(chatId)?.delete(socket)
  }
  return openMany(specs, spec => openSocket(spec, { onFrame, onClose }), (socket) => {
    sockets.push(socket)
    for (const chatId of socket.chats) {
      if (!chatSockets.has(chatId)) chatSockets.set(chatId, new Set())
      chatSockets.get(chatId).add(socket)
    }
  })
}

async function close({ set: name }) {
  const { sockets } = setNamed(name)
  sets.delete(name)
  await terminateAll(sockets)
  return { closed: sockets.length }
}

/**
 * Sends `rate` messages per second for `durationMs` from random sockets that belong to a
 * chat, then waits up to `drainMs` for the outstanding deliveries.
 */
async function send({ set: name, rate, durationMs, drainMs = 10_000 }) {
  const { sockets, chatSockets } = setNamed(name)
  const senders = sockets.filter(socket => socket.ready && socket.chats.length > 0 && socket.spec.sends !== false)
  if (senders.length === 0) throw new Error('no socket to send from')
  run = { messages: new Map(), sent: 0, acked: 0, expected: 0, delivered: 0, duplicated: 0, errors: {}, ack: histogram(), deliver: histogram() }
  for (const socket of sockets) socket.seen?.clear()
  // This process's own stalls (its garbage collection, a busy core) delay the frames it
  // times as much as the server's: reported beside the latencies, so a tail can be told apart.
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })
  lag.enable()
  try {
    const startedAt = performance.now()
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - startedAt
        if (elapsed >= durationMs) {
          clearInterval(timer)
          return resolve()
        }
        const due = Math.floor((elapsed / 1000) * rate)
        while (run.sent < due) {
          const socket = senders[Math.floor(Math.random() * senders.length)]
          const chatId = socket.chats[Math.floor(Math.random() * socket.chats.length)]
          const n = ++messageNumber
          run.messages.set(n, { at: performance.now(), expected: chatSockets.get(chatId)?.size ?? 0, delivered: 0 })
          run.sent++
          if (socket.ws.readyState !== WebSocket.OPEN) {
            run.errors.socket_closed = (run.errors.socket_closed ?? 0) + 1
            continue
          }
          socket.ws.send(JSON.stringify({ type: 'message.send', id: `b${n}`, chatId, content: contentFor(n), clientId: `b${n}` }))
        }
      }, 5)
    })
    const sendSeconds = (performance.now() - startedAt) / 1000
    const drainDeadline = performance.now() + drainMs
    while (performance.now() < drainDeadline) {
      const answered = [...run.messages.values()].filter(sent => sent.ackedAt || sent.refused).length
      if (answered === run.sent && run.delivered >= run.expected) break
      await new Promise(r => setTimeout(r, 50))
    }
    // Per acked message: every socket of its chat got it (a message whose ack is still
    // missing may already be delivered; it counts as unanswered, not as delivered).
    const acked = [...run.messages.values()].filter(sent => sent.ackedAt)
    const lost = acked.reduce((sum, sent) => sum + Math.max(0, sent.expected - sent.delivered), 0)
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
      lost,
      deliveryRatio: run.expected === 0 ? 0 : (run.expected - lost) / run.expected,
      errors: run.errors,
      ack: summary(run.ack),
      deliver: summary(run.deliver),
      drainedInMs: Math.round(performance.now() - startedAt - sendSeconds * 1000),
      loadGeneratorLag: { p99: stallMs(lag.percentile(99)), max: stallMs(lag.max) },
    }
    return result
  }
  finally {
    // On every way out, a failed run's included: the next run starts its own monitor.
    lag.disable()
    run = null
  }
}

/** Drives an HTTP route with autocannon for `durationMs` (logins during a storm, say). */
async function http({ url, method = 'GET', headers = {}, body, connections = 4, durationMs = 10_000 }) {
  const result = await autocannon({ url, method, headers, body, connections, duration: durationMs / 1000, timeout: 30 })
  const ok = result['2xx']
  return { requests: result.requests.total, ok, non2xx: result.non2xx, perSecond: ok / (durationMs / 1000), latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max }, errors: result.errors, timeouts: result.timeouts, statusCodes: result.statusCodeStats }
}

const commands = { open, close, send, http, lateCount: () => late.count, ...resumeCommands }

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
