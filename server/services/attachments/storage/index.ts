import { serverConfig } from '../../../utils/config'
import { databaseStorage } from './database'
import { createS3Storage } from './s3'
import type { AttachmentStorage } from './types'

export type { AttachmentStorage, ByteRange, StoredObject } from './types'

let s3: AttachmentStorage | undefined

/** The storage new uploads go to (NUXT_ATTACHMENTS_STORAGE). */
export function uploadStorage(): AttachmentStorage {
  return storageNamed(serverConfig().attachments.storage)
}

/** The storage an attachment was written to: switching the setting leaves older files readable. */
export function storageNamed(name: string): AttachmentStorage {
  if (name !== 's3') return databaseStorage
  s3 ??= createS3Storage(serverConfig().s3)
  return s3
}
