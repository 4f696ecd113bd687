import { Readable } from 'node:stream'
import { AttachmentChunkModel } from '../../../models'
import type { AttachmentStorage, ByteRange, StoredObject } from './types'

// The default storage: each file in chunk documents `<key>:<n>` of CHUNK_BYTES, written one
// at a time as the upload streams in and read back by `_id` (`$in` of READ_BATCH chunks per
// command), so it works on the embedded engine and on Atlas with nothing more to run.

export const CHUNK_BYTES = 255 * 1024
const READ_BATCH = 8
const DELETE_BATCH = 1000

function chunkId(key: string, n: number): string {
  return `${key}:${n}`
}

function chunkIds(object: StoredObject): string[] {
  return Array.from({ length: Math.ceil(object.size / CHUNK_BYTES) }, (_, n) => chunkId(object.key, n))
}

/** A lean document's Buffer field arrives as a BSON Binary. */
function bytesOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data
  const binary = data as { buffer: Uint8Array }
  return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.buffer.byteLength)
}

async function* readChunks(object: StoredObject, { start, end }: ByteRange): AsyncGenerator<Buffer> {
  const first = Math.floor(start / CHUNK_BYTES)
  const last = Math.floor(end / CHUNK_BYTES)
  for (let from = first; from <= last; from += READ_BATCH) {
    const numbers = Array.from({ length: Math.min(READ_BATCH, last - from + 1) }, (_, i) => from + i)
    const docs = await AttachmentChunkModel.find({ _id: { $in: numbers.map(n => chunkId(object.key, n)) } }).lean().exec()
    const byId = new Map(docs.map(doc => [doc._id, bytesOf(doc.data)]))
    for (const n of numbers) {
      const data = byId.get(chunkId(object.key, n))
      if (!data) throw new Error(`attachment chunk ${n} is missing`)
      const offset = n * CHUNK_BYTES
      yield data.subarray(Math.max(0, start - offset), Math.min(data.length, end - offset + 1))
    }
  }
}

export const databaseStorage: AttachmentStorage = {
  name: 'database',

  async put(key, source) {
    let n = 0
    let size = 0
    let pending: Buffer[] = []
    let pendingBytes = 0
    const flush = async (bytes: Buffer) => {
      await AttachmentChunkModel.create({ _id: chunkId(key, n), data: bytes })
      n++
    }
    try {
      for await (const chunk of source) {
        pending.push(chunk)
        pendingBytes += chunk.length
        size += chunk.length
        while (pendingBytes >= CHUNK_BYTES) {
          const joined = Buffer.concat(pending)
          await flush(joined.subarray(0, CHUNK_BYTES))
          const rest = joined.subarray(CHUNK_BYTES)
          pending = rest.length ? [Buffer.from(rest)] : []
          pendingBytes = rest.length
        }
      }
      if (pendingBytes > 0) await flush(Buffer.concat(pending))
      return size
    }
    catch (error) {
      await databaseStorage.remove([{ key, size: n * CHUNK_BYTES }]).catch(() => {})
      throw error
    }
  },

  read(object, range) {
    return Readable.from(readChunks(object, range), { objectMode: false })
  },

  async remove(objects) {
    const ids = objects.flatMap(chunkIds)
    for (let i = 0; i < ids.length; i += DELETE_BATCH) {
      await AttachmentChunkModel.deleteMany({ _id: { $in: ids.slice(i, i + DELETE_BATCH) } }).exec()
    }
  },
}
