import { getRequestHeader, send, sendStream, setResponseHeader, setResponseStatus, type H3Event } from 'h3'
import type { ServableFile } from '../services/attachments/serve'

// Answers a GET with a stored file (docs/attachments.md, "Serving"): one Range (206, or 416
// when it lies outside the file), ETag with If-None-Match (304) and If-Range, private
// caching, the detected type with nosniff, and `attachment` for everything the browser
// should not render (SVG, HTML, PDF...). A sandboxing CSP covers a file opened on its own.

const CACHE_CONTROL = 'private, max-age=3600'
const FILE_CSP = 'default-src \'none\'; img-src \'self\'; media-src \'self\'; style-src \'unsafe-inline\'; sandbox'

type Range = { start: number, end: number } | 'unsatisfiable' | null

/** A single `bytes=` range of a file of `size` bytes; several ranges or a malformed one: the whole file. */
function parseRange(header: string | undefined, size: number): Range {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '')
  if (!match || (match[1] === '' && match[2] === '')) return null
  if (match[1] === '') {
    const suffix = Number(match[2])
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Number(match[2])
  if (end < start) return null
  if (start >= size) return 'unsatisfiable'
  return { start, end: Math.min(end, size - 1) }
}

function contentDisposition(inline: boolean, name: string): string {
  const fallback = name.replace(/[^\x20-\x7E]|["\\%]/g, '_')
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

export function sendStoredFile(event: H3Event, file: ServableFile): Promise<void> {
  const size = file.object.size
  setResponseHeader(event, 'etag', file.etag)
  setResponseHeader(event, 'cache-control', CACHE_CONTROL)
  setResponseHeader(event, 'last-modified', file.lastModified.toUTCString())
  setResponseHeader(event, 'accept-ranges', 'bytes')
  setResponseHeader(event, 'x-content-type-options', 'nosniff')
  setResponseHeader(event, 'content-security-policy', FILE_CSP)
  const ifNoneMatch = getRequestHeader(event, 'if-none-match')
  if (ifNoneMatch && (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some(tag => tag.trim().replace(/^W\//, '') === file.etag))) {
    setResponseStatus(event, 304)
    return send(event, '')
  }
  setResponseHeader(event, 'content-type', file.type)
  setResponseHeader(event, 'content-disposition', contentDisposition(file.inline, file.name))
  const ifRange = getRequestHeader(event, 'if-range')
  const range = ifRange && ifRange.trim() !== file.etag ? null : parseRange(getRequestHeader(event, 'range'), size)
  if (range === 'unsatisfiable') {
    setResponseStatus(event, 416)
    setResponseHeader(event, 'content-range', `bytes */${size}`)
    return send(event, '')
  }
  const { start, end } = range ?? { start: 0, end: size - 1 }
  if (range) {
    setResponseStatus(event, 206)
    setResponseHeader(event, 'content-range', `bytes ${start}-${end}/${size}`)
  }
  setResponseHeader(event, 'content-length', end - start + 1)
  if (event.method === 'HEAD') return send(event, '')
  return sendStream(event, file.storage.read(file.object, { start, end }))
}
