import { thumbnailKey, type AttachmentRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { apiError } from '../../utils/errors'
import { findMembership } from '../chats/access'
import { isInlineImageType } from './images'
import { loadAttachments } from './load'
import { storageNamed, type AttachmentStorage, type StoredObject } from './storage'

// Reading an attachment: the members of its chat only (an upload not sent yet: only its
// uploader); anyone else gets the same 404 as a missing id. Two reads by `_id`.

export interface ServableFile {
  object: StoredObject
  storage: AttachmentStorage
  type: string
  name: string
  /** Rendered by the browser (safe raster images, audio, video) or always a download. */
  inline: boolean
  etag: string
  lastModified: Date
}

export async function openAttachment(actor: Pick<Actor, 'userId'>, id: string, variant: 'file' | 'thumbnail'): Promise<ServableFile> {
  const doc: AttachmentRecord | undefined = (await loadAttachments([id])).get(id)
  if (!doc) throw apiError('not_found')
  const allowed = doc.messageId ? !!(await findMembership(doc.chatId, actor.userId)) : doc.uploaderId === actor.userId
  if (!allowed) throw apiError('not_found')
  const storage = storageNamed(doc.storage)
  if (variant === 'thumbnail') {
    if (!doc.thumbnailSize) throw apiError('not_found')
    const name = `${doc.name.replace(/\.[^.]*$/, '')}.webp`
    return { object: { key: thumbnailKey(doc._id), size: doc.thumbnailSize }, storage, type: 'image/webp', name, inline: true, etag: `"${id}-thumb"`, lastModified: doc.createdAt }
  }
  const inline = isInlineImageType(doc.type) || doc.kind === 'video' || doc.kind === 'audio'
  return { object: { key: id, size: doc.size }, storage, type: doc.type, name: doc.name, inline, etag: `"${id}"`, lastModified: doc.createdAt }
}
