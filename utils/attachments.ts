import type { Attachment } from '#shared/types/api'
import { markdownToPlainText } from '#shared/markdown'

export { formatBytes } from '#shared/bytes'

/** A Material Design icon for a file, by its kind and type. */
export function fileIcon(file: { type: string, kind?: Attachment['kind'] }): string {
  const type = file.type
  if (file.kind === 'image' || type.startsWith('image/')) return 'mdi-file-image-outline'
  if (file.kind === 'video' || type.startsWith('video/')) return 'mdi-file-video-outline'
  if (file.kind === 'audio' || type.startsWith('audio/')) return 'mdi-file-music-outline'
  if (type === 'application/pdf') return 'mdi-file-pdf-box'
  if (/zip|x-tar|gzip|x-7z|x-rar|x-bzip/.test(type)) return 'mdi-folder-zip-outline'
  if (/spreadsheet|excel|csv/.test(type)) return 'mdi-file-excel-outline'
  if (/presentation|powerpoint/.test(type)) return 'mdi-file-powerpoint-outline'
  if (/wordprocessing|msword|opendocument\.text|rtf/.test(type)) return 'mdi-file-word-outline'
  if (type.startsWith('text/') || /json|xml/.test(type)) return 'mdi-file-document-outline'
  return 'mdi-file-outline'
}

/** Files dropped or pasted: only real files (a dragged link or text has none). */
export function filesOf(data: DataTransfer | null): File[] {
  return data ? [...data.files] : []
}

/**
 * A message in one line where its text may be empty (a file sent without a caption): the
 * text, else "📎 name" or "📎 3 files" (the chat list, notifications, the reply bar).
 */
export function messagePreview(message: { content: string, attachments: readonly Pick<Attachment, 'name'>[] }, maxLength: number): string {
  const text = markdownToPlainText(message.content, maxLength)
  if (text || message.attachments.length === 0) return text
  return message.attachments.length === 1 ? `📎 ${message.attachments[0]!.name}` : `📎 ${message.attachments.length} files`
}
