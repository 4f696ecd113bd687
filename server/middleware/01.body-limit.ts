import { isUtf8 } from 'node:buffer'
import { getRequestHeader, type H3Event } from 'h3'
import { MAX_BODY_BYTES } from '#shared/limits'
import { apiError } from '../utils/errors'
import { UPLOAD_PATH } from '../utils/upload-body'

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
// h3 reads a body that was already read from this symbol instead of the socket.
const rawBodyKey = Symbol.for('h3RawBody')

/**
 * Refuses bodies over 64 KiB with 413, whether they announce their length or not, and bodies
 * that are not UTF-8 with 400: h3 would decode them with replacement characters, and the
 * person's text would be stored other than it was sent.
 */
export default defineEventHandler(async (event) => {
  if (!BODY_METHODS.has(event.method) || !event.path.startsWith('/api/')) return
  // An upload streams its file to storage under its own limit (docs/attachments.md).
  if (event.method === 'POST' && UPLOAD_PATH.test(event.path)) return
  const declared = Number.parseInt(getRequestHeader(event, 'content-length') ?? '', 10)
  if (declared > MAX_BODY_BYTES) throw apiError('payload_too_large')
  const chunked = /\bchunked\b/i.test(getRequestHeader(event, 'transfer-encoding') ?? '')
  if (chunked || declared > 0) {
    const body = await readLimitedBody(event)
    if (!isUtf8(body)) throw apiError('validation_failed', 'The request body is not valid UTF-8.')
    ;(event.node.req as unknown as Record<symbol, unknown>)[rawBodyKey] = Promise.resolve(body)
  }
})

function readLimitedBody(event: H3Event): Promise<Buffer> {
  const request = event.node.req
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        request.off('data', onData)
        request.resume() // drain the rest so the 413 answer can be sent
        reject(apiError('payload_too_large'))
        return
      }
      chunks.push(chunk)
    }
    request.on('data', onData)
    request.once('end', () => resolve(Buffer.concat(chunks)))
    request.once('error', reject)
  })
}
