import type { Attachment, ChatFile } from '#shared/types/api'
import type { AttachmentRecord } from '../models'

// Attachments become wire objects here, from documents already loaded.

export function toAttachment(doc: AttachmentRecord): Attachment {
  const id = doc._id.toHexString()
  return {
    id,
    chatId: doc.chatId,
    name: doc.name,
    size: doc.size,
    type: doc.type,
    kind: doc.kind,
    width: doc.width ?? null,
    height: doc.height ?? null,
    url: `/api/attachments/${id}`,
    thumbnailUrl: doc.thumbnailSize ? `/api/attachments/${id}/thumbnail` : null,
    createdAt: doc.createdAt.toISOString(),
  }
}

export function toChatFile(doc: AttachmentRecord, entry: { messageId: { toHexString(): string }, senderId: string }): ChatFile {
  return { ...toAttachment(doc), messageId: entry.messageId.toHexString(), senderId: entry.senderId }
}
