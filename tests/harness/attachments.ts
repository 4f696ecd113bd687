import { deflateRawSync, deflateSync } from 'node:zlib'
import sharp from 'sharp'
import type { Attachment } from '#shared/types/api'
import { api, type CallResult, type TestUser } from './api-client'

// Uploads and test files for the attachment tests (docs/attachments.md).

export interface UploadOptions {
  name?: string
  /** The declared Content-Type (raw) or the part's type (multipart). */
  type?: string
  multipart?: boolean
  /** Send the name as ?name= instead of X-File-Name. */
  nameInQuery?: boolean
  cookie?: string
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the body holds
export async function upload(baseUrl: string, user: Pick<TestUser, 'token'>, chatId: string, bytes: Uint8Array, options: UploadOptions = {}): Promise<CallResult<any>> {
  const { name = 'file.bin', type = 'application/octet-stream' } = options
  const headers: Record<string, string> = { authorization: `Bearer ${user.token}` }
  // A copy on a plain ArrayBuffer, as fetch and Blob take it.
  const payload = new Uint8Array(bytes)
  let body: BodyInit
  let path = `/api/chats/${chatId}/attachments`
  if (options.multipart) {
    const form = new FormData()
    form.append('file', new Blob([payload], { type }), name)
    body = form
  }
  else {
    headers['content-type'] = type
    if (options.nameInQuery) path += `?name=${encodeURIComponent(name)}`
    else headers['x-file-name'] = encodeURIComponent(name)
    body = payload
  }
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  }
  catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers, response }
}

/** Uploads and expects 201: the attachment. */
export async function uploaded(baseUrl: string, user: Pick<TestUser, 'token'>, chatId: string, bytes: Uint8Array, options: UploadOptions = {}): Promise<Attachment> {
  const result = await upload(baseUrl, user, chatId, bytes, options)
  if (result.status !== 201) throw new Error(`upload failed: ${result.status} ${JSON.stringify(result.body)}`)
  return result.body.attachment as Attachment
}

export async function download(baseUrl: string, user: Pick<TestUser, 'token'> | null, path: string, headers: Record<string, string> = {}): Promise<{ status: number, headers: Headers, bytes: Buffer }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { ...headers, ...(user ? { authorization: `Bearer ${user.token}` } : {}) } })
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) }
}

/** A group of `members` made by `owner`: its id. */
export async function groupOf(baseUrl: string, owner: TestUser, members: TestUser[] = []): Promise<string> {
  const chat = await api(baseUrl, owner, 'POST', '/api/chats', { type: 'group', name: 'Files', memberIds: members.map(member => member.id) })
  if (chat.status !== 201) throw new Error(`chat failed: ${chat.status}`)
  return chat.body.id as string
}

/** A JPEG of width x height with EXIF that holds a GPS position and the camera's name. */
export function jpegWithLocation(width = 800, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SecretCam', Model: 'Spy 1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' } })
    .toBuffer()
}

export function png(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 120, b: 200, alpha: 1 } } }).png().toBuffer()
}

/** A two-frame animated GIF of 40 x 30. */
export async function animatedGif(): Promise<Buffer> {
  const frame = (r: number) => sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g: 0, b: 0 } } }).png().toBuffer()
  return sharp([await frame(255), await frame(0)], { join: { animated: true } }).gif({ delay: [100, 100], loop: 0 }).toBuffer()
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body) >>> 0)
  return Buffer.concat([length, body, crc])
}

function crc32(bytes: Buffer): number {
  let crc = -1
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xEDB88320 & -(crc & 1))
  }
  return ~crc
}

/** A valid PNG header claiming width x height over a few KiB of data: a decompression bomb. */
export function pixelBombPng(width = 50_000, height = 50_000): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.writeUInt8(8, 8) // bit depth
  header.writeUInt8(0, 9) // greyscale
  const rows = deflateSync(Buffer.alloc((width + 1) * 64)) // the first 64 rows of zeros
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), pngChunk('IHDR', header), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))])
}

/** A zip whose one entry inflates 100 MiB of zeros from about 100 KiB: a zip bomb. */
export function zipBomb(): Buffer {
  const data = deflateRawSync(Buffer.alloc(100 * 1024 * 1024))
  const name = Buffer.from('zeros.bin')
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034B50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt16LE(8, 8) // deflate
  local.writeUInt32LE(data.length, 18)
  local.writeUInt32LE(100 * 1024 * 1024, 22)
  local.writeUInt16LE(name.length, 26)
  return Buffer.concat([local, name, data])
}

/** The smallest PDF the detector knows. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
export const SVG_WITH_SCRIPT = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="5"/></svg>')
