import type { IncomingMessage } from 'node:http'
import { logger } from './logger'

// Request bodies that arrive too slowly (docs/guarantees.md, "A slow writer cannot hold a
// connection"). Node's own `requestTimeout` bounds a whole request, which would cut a large
// upload over a slow link; it is off, and bodies get rules of their own instead: an ordinary
// body (64 KiB at most) must be whole within a deadline, an upload must keep moving.

export type BodyRule
  = | { kind: 'deadline', ms: number }
    | { kind: 'progress', windowMs: number, minBytes: number }

/** What Node itself answers when its request timeout fires; the connection is then closed. */
const REQUEST_TIMEOUT_RESPONSE = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'
/** How long the 408 has to leave before the connection is cut whatever the client does. */
const CLOSE_GRACE_MS = 1_000

function cut(request: IncomingMessage, reason: string): void {
  const socket = request.socket
  logger.warn('request body too slow; closing', { method: request.method, route: request.url?.split('?')[0], reason })
  const response = (socket as typeof socket & { _httpMessage?: { headersSent: boolean } })._httpMessage
  if (!response?.headersSent && socket.writable) socket.end(REQUEST_TIMEOUT_RESPONSE)
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref()
}

/**
 * Watches the body of `request` (nothing to watch once it is whole). The upload rule counts
 * the bytes read from the connection in each window; a window in which the server itself was
 * not reading (bytes waiting in its buffers: storage is slow) does not count against the client.
 */
export function watchBody(request: IncomingMessage, rule: BodyRule): void {
  if (request.complete) return
  const socket = request.socket
  if (rule.kind === 'deadline') {
    const timer = setTimeout(() => {
      if (!request.complete && !socket.destroyed) cut(request, `body not whole within ${rule.ms} ms`)
    }, rule.ms)
    timer.unref()
    return
  }
  let seen = socket.bytesRead
  const timer = setInterval(() => {
    if (request.complete || socket.destroyed) {
      clearInterval(timer)
      return
    }
    const read = socket.bytesRead
    const serverBehind = request.readableLength > 0 || socket.readableLength > 0
    if (read - seen < rule.minBytes && !serverBehind) {
      clearInterval(timer)
      cut(request, `less than ${rule.minBytes} bytes in ${rule.windowMs} ms`)
      return
    }
    seen = read
  }, rule.windowMs)
  timer.unref()
}
