import { isUtf8 } from 'node:buffer'
import { Types } from 'mongoose'
import { fileTypeFromBuffer } from 'file-type'
import { fileTooLargeMessage } from '#shared/bytes'
import type { Attachment } from '#shared/types/api'
import { toAttachment } from '../../dto/attachments'
import { AttachmentModel, thumbnailKey, type AttachmentRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { requireMember } from '../chats/access'
import { isInlineImageType, processImage } from './images'
import { extensionOf, sanitizeFileName } from './names'
import { chargeUploadQuota, checkUploadQuota } from './quota'
import { uploadStorage, type StoredObject } from './storage'

// An upload: the member check and the quota first, then the bytes streamed to storage with
// a running count (413 past NUXT_ATTACHMENTS_MAX_BYTES), the type detected from the first
// bytes (file-type), never from the declared name or type (docs/attachments.md).

/** Enough for file-type to recognise every format it knows. */
const HEAD_BYTES = 4100
/** Names that claim a raster image: a file named so that is no image is refused, not stored. */
const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'jfif', 'gif', 'webp', 'avif', 'bmp', 'tif', 'tiff', 'heic', 'heif', 'ico'])

export interface IncomingFile {
  /** The name the client gave (sanitized here). */
  name: string
  /** The Content-Type the client declared (only used to refuse a false image). */
  declaredType: string
  source: AsyncIterable<Buffer>
  /** The request's Content-Length, when it announced one. */
  declaredBytes?: number
}

function fileIssue(message: string, code = 'custom') {
  return { issues: [{ path: ['file'], message, code }] }
}

async function* limited(source: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let size = 0
  for await (const chunk of source) {
    size += chunk.length
    if (size > maxBytes) throw apiError('payload_too_large', fileTooLargeMessage(maxBytes))
    yield chunk
  }
}

/** The first `bytes` of a stream, and the whole stream again (head included) to go on with. */
async function readHead(source: AsyncGenerator<Buffer>, bytes: number): Promise<{ head: Buffer, all: AsyncGenerator<Buffer> }> {
  const chunks: Buffer[] = []
  let size = 0
  while (size < bytes) {
    const next = await source.next()
    if (next.done) break
    chunks.push(next.value)
    size += next.value.length
  }
  const head = Buffer.concat(chunks)
  async function* all() {
    if (head.length) yield head
    yield* source
  }
  return { head, all: all() }
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of source) chunks.push(chunk)
  return Buffer.concat(chunks)
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes
}

/** What the bytes are: file-type's answer, plain text, or opaque bytes. */
async function detectType(head: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(head)
  if (detected) return detected.mime
  // Cut at a character boundary: a head cut mid-character is still text.
  const probe = head.subarray(0, Math.max(0, head.length - 3))
  return !head.includes(0) && (isUtf8(head) || isUtf8(probe)) ? 'text/plain' : 'application/octet-stream'
}

function kindOf(type: string): AttachmentRecord['kind'] {
  if (isInlineImageType(type)) return 'image'
  if (type.startsWith('video/')) return 'video'
  if (type.startsWith('audio/')) return 'audio'
  return 'file'
}

export async function uploadAttachment(actor: Pick<Actor, 'userId'>, chatId: string, file: IncomingFile): Promise<{ attachment: Attachment }> {
  const settings = serverConfig().attachments
  if (file.declaredBytes !== undefined && file.declaredBytes > settings.maxBytes) {
    throw apiError('payload_too_large', fileTooLargeMessage(settings.maxBytes))
  }
  await requireMember(actor, chatId)
  await checkUploadQuota(actor.userId, file.declaredBytes)
  const name = sanitizeFileName(file.name)
  const { head, all } = await readHead(limited(file.source, settings.maxBytes), HEAD_BYTES)
  if (head.length === 0) throw apiError('validation_failed', 'The file is empty.', fileIssue('Empty file', 'too_small'))
  const type = await detectType(head)
  const kind = kindOf(type)
  const claimsImage = file.declaredType.toLowerCase().startsWith('image/') && !file.declaredType.toLowerCase().startsWith('image/svg')
  if ((claimsImage || IMAGE_EXTENSIONS.has(extensionOf(name))) && !type.startsWith('image/')) {
    throw apiError('validation_failed', 'The file is not the image it claims to be.', fileIssue(`Declared an image, but the bytes are ${type}`))
  }

  const _id = new Types.ObjectId()
  const storage = uploadStorage()
  const stored: StoredObject[] = []
  try {
    let size: number
    let thumbnailSize: number | null = null
    let width: number | null = null
    let height: number | null = null
    if (isInlineImageType(type)) {
      // Decoding needs the whole image: bounded by the size limit and the pixel limit.
      const image = await processImage(await collect(all), type, settings.maxPixels)
      size = await storage.put(String(_id), once(image.served), type)
      stored.push({ key: String(_id), size })
      thumbnailSize = await storage.put(thumbnailKey(_id), once(image.thumbnail), 'image/webp')
      stored.push({ key: thumbnailKey(_id), size: thumbnailSize })
      width = image.width
      height = image.height
    }
    else {
      size = await storage.put(String(_id), all, type)
      stored.push({ key: String(_id), size })
    }
    await chargeUploadQuota(actor.userId, size)
    const doc = await AttachmentModel.create({
      _id, chatId, uploaderId: actor.userId, name, size, type, kind, width, height, thumbnailSize,
      storage: storage.name, claim: null, claimedAt: null, messageId: null, createdAt: new Date(),
    })
    return { attachment: toAttachment(doc.toObject() as AttachmentRecord) }
  }
  catch (error) {
    // Nothing of a refused upload stays: a partial file removes its own chunks, the rest here.
    await storage.remove(stored).catch(() => {})
    throw error
  }
}
