import type { Readable } from 'node:stream'

/** Inclusive byte positions, as in an HTTP Range. */
export interface ByteRange { start: number, end: number }

/** A stored object: its key and how many bytes it holds. */
export interface StoredObject { key: string, size: number }

/**
 * Where attachment bytes live (docs/attachments.md, "Storage"): the database's chunk
 * documents or an S3-compatible bucket. Bytes go in and out as streams; no driver holds a
 * whole file in memory.
 */
export interface AttachmentStorage {
  readonly name: 'database' | 's3'
  /** Stores `source` under `key` and answers its size; on failure nothing is left behind. */
  put(key: string, source: AsyncIterable<Buffer>, type: string): Promise<number>
  /** The bytes of `object` within `range`. */
  read(object: StoredObject, range: ByteRange): Readable
  remove(objects: StoredObject[]): Promise<void>
}
