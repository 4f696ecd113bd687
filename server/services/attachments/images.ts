import { availableParallelism } from 'node:os'
import pLimit, { type LimitFunction } from 'p-limit'
import sharp, { type Metadata, type Sharp, type SharpOptions } from 'sharp'
import { THUMBNAIL_MAX_PX } from '#shared/limits'
import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'

// Images are decoded by sharp (libvips) once, at upload: the copy served is re-encoded in
// the same format without metadata (EXIF location, XMP, IPTC: sharp writes none unless
// asked) and turned upright by its EXIF orientation first; the thumbnail is WebP, at most
// 640 px on its longest side. Animated GIFs and WebPs keep every frame in both.

// Each sharp step runs on one of libuv's four threads, which also verify every request's
// token (WebCrypto's HMAC), read files and resolve names. Unbounded, a few photos uploaded at
// once took all four, and every request waited behind them (eight 12 MP JPEGs on one core:
// a token-checked request up to 1.8 s, 0.24 s one image at a time; docs/attachments.md). So at
// most `imageConcurrency` images are processed at once (one, two from four cores: the rest
// of the pool stays free); the others wait their turn, which is what they would take anyway.
let imageSlots: LimitFunction | undefined

function withImageSlot<T>(work: () => Promise<T>): Promise<T> {
  imageSlots ??= pLimit(serverConfig().attachments.imageConcurrency || (availableParallelism() >= 4 ? 2 : 1))
  return imageSlots(work)
}

/** The raster types shown inline; every other image type is a plain file (a download). */
const ENCODERS = {
  'image/jpeg': (image: Sharp) => image.jpeg({ quality: 90 }),
  'image/png': (image: Sharp) => image.png(),
  'image/gif': (image: Sharp) => image.gif(),
  'image/webp': (image: Sharp) => image.webp({ quality: 90 }),
  'image/avif': (image: Sharp) => image.avif({ quality: 70 }),
}

export type InlineImageType = keyof typeof ENCODERS

export function isInlineImageType(type: string): type is InlineImageType {
  return type in ENCODERS
}

export interface ProcessedImage {
  served: Buffer
  thumbnail: Buffer
  width: number
  height: number
}

function unreadable(): Error {
  return apiError('validation_failed', 'The image could not be read.', { issues: [{ path: ['file'], message: 'Not a readable image', code: 'custom' }] })
}

/**
 * Reads only the header first: an image of more than `maxPixels` (a decompression bomb such
 * as a 50,000 x 50,000 PNG of a few KiB) is refused before any pixel is allocated.
 */
export function processImage(input: Buffer, type: InlineImageType, maxPixels: number): Promise<ProcessedImage> {
  return withImageSlot(() => decodeAndEncode(input, type, maxPixels))
}

async function decodeAndEncode(input: Buffer, type: InlineImageType, maxPixels: number): Promise<ProcessedImage> {
  let meta: Metadata
  try {
    meta = await sharp(input, { animated: true, limitInputPixels: false }).metadata()
  }
  catch {
    throw unreadable()
  }
  const pages = meta.pages ?? 1
  const pageHeight = meta.pageHeight ?? meta.height
  if (!meta.width || !pageHeight) throw unreadable()
  if (meta.width * pageHeight * pages > maxPixels) {
    throw apiError('validation_failed', `The image is too large: at most ${maxPixels.toLocaleString('en')} pixels.`, { issues: [{ path: ['file'], message: 'Too many pixels', code: 'too_big' }] })
  }
  const animated = pages > 1
  const options: SharpOptions = { animated, limitInputPixels: maxPixels }
  // Multi-frame images carry no orientation; a still one is turned upright before its EXIF goes.
  const upright = () => (animated ? sharp(input, options) : sharp(input, options).rotate())
  try {
    const served = await ENCODERS[type](upright()).toBuffer()
    const thumbnail = await upright()
      .resize({ width: THUMBNAIL_MAX_PX, height: THUMBNAIL_MAX_PX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer()
    const swapped = !animated && (meta.orientation ?? 1) >= 5
    return { served, thumbnail, width: swapped ? pageHeight : meta.width, height: swapped ? meta.width : pageHeight }
  }
  catch {
    throw unreadable()
  }
}
