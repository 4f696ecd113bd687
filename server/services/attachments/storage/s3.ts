import { Readable } from 'node:stream'
import { DeleteObjectsCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { S3Settings } from '../../../utils/config-schema'
import { storageUnavailable } from '../../../utils/errors'
import type { AttachmentStorage } from './types'

// Any S3-compatible bucket (Amazon S3, Cloudflare R2, Backblaze B2, MinIO) through the
// official client. Uploads stream through lib-storage's multipart Upload (5 MiB parts, two
// in flight); downloads are streamed through Parley (not redirected to a presigned URL), so
// the same member check, Range, ETag and safety headers apply whatever the storage.

const PART_BYTES = 5 * 1024 * 1024
const DELETE_BATCH = 1000

export function createS3Storage(settings: S3Settings): AttachmentStorage {
  const client = new S3Client({
    endpoint: settings.endpoint || undefined,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.accessKeyId ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
    // Only the checksums S3 requires: many compatible stores do not know the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  const Bucket = settings.bucket

  async function* readObject(key: string, start: number, end: number): AsyncGenerator<Buffer> {
    const answer = await client.send(new GetObjectCommand({ Bucket, Key: key, Range: `bytes=${start}-${end}` })).catch((error: unknown) => {
      throw storageUnavailable(error)
    })
    for await (const chunk of answer.Body as Readable) yield chunk as Buffer
  }

  return {
    name: 's3',

    async put(key, source, type) {
      let size = 0
      async function* counted() {
        for await (const chunk of source) {
          size += chunk.length
          yield chunk
        }
      }
      const upload = new Upload({ client, params: { Bucket, Key: key, Body: Readable.from(counted()), ContentType: type }, partSize: PART_BYTES, queueSize: 2, leavePartsOnError: false })
      // A refusal from our own source (too large, cut short) passes through as it was.
      await upload.done().catch((error: unknown) => {
        throw storageUnavailable(error)
      })
      return size
    },

    read(object, range) {
      return Readable.from(readObject(object.key, range.start, range.end), { objectMode: false })
    },

    async remove(objects) {
      for (let i = 0; i < objects.length; i += DELETE_BATCH) {
        const batch = objects.slice(i, i + DELETE_BATCH).map(object => ({ Key: object.key }))
        await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } })).catch((error: unknown) => {
          throw storageUnavailable(error)
        })
      }
    },
  }
}
