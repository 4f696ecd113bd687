import busboy from 'busboy'
import type { Readable } from 'node:stream'
import { getRequestHeader, setResponseHeader, type H3Event } from 'h3'
import type { IncomingFile } from '../services/attachments/upload'
import { apiError } from './errors'

// The file of an upload request, as a stream (never read whole here): either the one `file`
// part of a multipart/form-data body (busboy), or the raw body, its Content-Type the
// declared type. The name: `X-File-Name` (URI-encoded), else the part's filename or `?name=`.

/** What a multipart body may add around its file (boundaries and part headers). */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024

/** The route of uploads: the 64 KiB body limit and the request deadline do not apply to it. */
export const UPLOAD_PATH = /^\/api\/chats\/[0-9a-fA-F]{24}\/attachments\/?(\?|$)/

function headerFileName(event: H3Event): string | undefined {
  const raw = getRequestHeader(event, 'x-file-name')
  if (raw === undefined) return undefined
  try {
    return decodeURIComponent(raw)
  }
  catch {
    throw apiError('validation_failed', 'X-File-Name must be URI-encoded.', { issues: [{ path: ['X-File-Name'], message: 'Not URI-encoded', code: 'custom' }] })
  }
}

/**
 * The stream's chunks, without destroying it when the reader stops early (413, a false
 * image): destroying the request would reset the connection before the answer is sent.
 */
function keepOpen(stream: Readable): AsyncIterable<Buffer> {
  return stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>
}

/** Discards what is left of a refused upload's body, so its answer reaches the client. */
export function discardUpload(event: H3Event): void {
  if (event.node.req.readableEnded) return
  setResponseHeader(event, 'connection', 'close')
  event.node.req.unpipe()
  event.node.req.resume()
}

export function readUploadedFile(event: H3Event, queryName: string | undefined): Promise<IncomingFile> {
  const request = event.node.req
  const contentType = getRequestHeader(event, 'content-type') ?? 'application/octet-stream'
  const length = Number.parseInt(getRequestHeader(event, 'content-length') ?? '', 10)
  const requestBytes = Number.isFinite(length) ? length : undefined
  const headerName = headerFileName(event)
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    return Promise.resolve({ name: headerName ?? queryName ?? '', declaredType: contentType, source: keepOpen(request), declaredBytes: requestBytes })
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({ headers: request.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 20, fieldSize: 4096, parts: 30 } })
    }
    catch {
      reject(apiError('validation_failed', 'The multipart body has no boundary.'))
      return
    }
    parser.on('file', (field, stream, info) => {
      if (field !== 'file') {
        stream.resume()
        return
      }
      const declaredBytes = requestBytes === undefined ? undefined : Math.max(0, requestBytes - MULTIPART_OVERHEAD_BYTES)
      // A client that goes away mid-file fails the upload (busboy alone would wait forever).
      request.once('close', () => {
        if (!request.complete) stream.destroy(new Error('the upload was aborted'))
      })
      resolve({ name: headerName ?? info.filename ?? queryName ?? '', declaredType: info.mimeType ?? '', source: keepOpen(stream), declaredBytes })
    })
    parser.once('error', () => reject(apiError('validation_failed', 'The multipart body is malformed.')))
    parser.once('close', () => reject(apiError('validation_failed', 'The form has no part named file.', { issues: [{ path: ['file'], message: 'Required', code: 'invalid_type' }] })))
    request.pipe(parser)
  })
}
