// What every socket of the load generator shares (scripts/bench/load.mjs for the latency
// runs, scripts/bench/resume.mjs for the reconnect storm): opening a socket up to its
// `ready`, opening many with a bounded number of upgrades in flight, and latency
// histograms (hdr-histogram-js, in microseconds, reported in milliseconds).
import * as hdr from 'hdr-histogram-js'
import WebSocket from 'ws'

export const MESSAGE_BYTES = 100
const OPEN_TIMEOUT_MS = 30_000
/** Upgrades refused with 503/429 are retried after Retry-After (plus jitter) up to this many times. */
const OPEN_RETRIES = 30

export function histogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 })
}

/** Records a duration in milliseconds (performance.now() differences). */
export function recordMs(h, ms) {
  h.recordValue(Math.max(1, Math.round(ms * 1000)))
}

export function summary(h) {
  const ms = value => Math.round(value / 10) / 100
  return h.totalCount === 0
    ? { count: 0 }
    : { count: h.totalCount, p50: ms(h.getValueAtPercentile(50)), p99: ms(h.getValueAtPercentile(99)), p999: ms(h.getValueAtPercentile(99.9)), max: ms(h.maxValue) }
}

export function contentFor(n) {
  const head = `bench:${n}:`
  return head + 'x'.repeat(MESSAGE_BYTES - head.length)
}

/** The HTTP origin of a socket URL (`ws://host:port/ws` -> `http://host:port`). */
export function httpOrigin(url) {
  const parsed = new URL(url.replace(/^ws/, 'http'))
  return parsed.origin
}

/**
 * Opens one socket (Bearer token on the upgrade; the baseline reads its chats from
 * `?chats=`) and resolves `{ socket, error }` at its `ready` or at the first failure.
 * `onFrame(socket, frame, now)` gets every parsed frame, `ready` included; `onClose(socket)`
 * runs when the socket closes at any time.
 */
export function openSocket(spec, { onFrame, onClose }) {
  const { url, token, chats } = spec
  return new Promise((resolve) => {
    const query = chats.length ? `${url.includes('?') ? '&' : '?'}chats=${chats.join(',')}` : ''
    const ws = new WebSocket(url + query, { headers: token ? { authorization: `Bearer ${token}` } : {}, perMessageDeflate: false })
    const socket = { ws, spec, chats, ready: false }
    const timer = setTimeout(() => finish(new Error('no ready within 30 s')), OPEN_TIMEOUT_MS)
    function finish(error) {
      clearTimeout(timer)
      resolve({ socket, error })
    }
    ws.on('message', (data) => {
      const now = performance.now()
      let frame
      try {
        frame = JSON.parse(data.toString())
      }
      catch {
        return
      }
      if (frame.type === 'ready') socket.ready = true
      onFrame(socket, frame, now)
      if (frame.type === 'ready') finish()
    })
    ws.on('unexpected-response', (_request, response) => {
      const error = new Error(`upgrade answered ${response.statusCode}`)
      if (response.statusCode === 503 || response.statusCode === 429) error.retryAfterSeconds = Number(response.headers['retry-after'] ?? 1) || 1
      response.resume()
      finish(error)
    })
    ws.on('error', error => finish(error))
    ws.on('close', (code) => {
      socket.ready = false
      socket.closeCode = code
      onClose?.(socket)
      finish(new Error(`closed with ${code}`))
    })
  })
}

/**
 * Opens every spec with `open(spec)` (at most `inFlight` upgrades at a time), calling
 * `opened(socket)` for each one that reached `ready` and terminating the others. An upgrade
 * refused with 503 or 429 is retried after its Retry-After and a random part of it (as the
 * app's reconnect adds jitter), so refused clients do not come back all at once.
 */
export async function openMany(specs, open, opened, inFlight = 50) {
  const startedAt = performance.now()
  const failures = {}
  let next = 0
  let retries = 0
  async function openRetrying(spec) {
    for (let attempt = 0; ; attempt++) {
      const result = await open(spec)
      if (!result.error?.retryAfterSeconds || attempt >= OPEN_RETRIES) return result
      retries++
      result.socket.ws.terminate()
      await new Promise(r => setTimeout(r, result.error.retryAfterSeconds * 1000 * (1 + Math.random())))
    }
  }
  async function worker() {
    while (next < specs.length) {
      const { socket, error } = await openRetrying(specs[next++])
      if (error) {
        failures[error.message] = (failures[error.message] ?? 0) + 1
        socket.ws.terminate()
        continue
      }
      opened(socket)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  const seconds = (performance.now() - startedAt) / 1000
  return { opened: specs.length - Object.values(failures).reduce((a, b) => a + b, 0), seconds, perSecond: specs.length / seconds, retries, failures }
}

/** Closes sockets at once and resolves when every one is closed. */
export function terminateAll(sockets) {
  return Promise.all(sockets.map(socket => new Promise((resolve) => {
    if (socket.ws.readyState === WebSocket.CLOSED) return resolve()
    socket.ws.once('close', resolve)
    socket.ws.terminate()
  })))
}
