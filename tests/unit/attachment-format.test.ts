import { describe, expect, it } from 'vitest'
import type { Attachment } from '#shared/types/api'
import { fileIcon, formatBytes, messagePreview } from '~~/utils/attachments'

function file(name: string, type = 'application/pdf', kind: Attachment['kind'] = 'file'): Attachment {
  return { id: 'a'.repeat(24), chatId: 'c'.repeat(24), name, size: 1, type, kind, width: null, height: null, url: '', thumbnailUrl: null, createdAt: '' }
}

describe('attachment formatting', () => {
  it('tells sizes in binary multiples', () => {
    expect([0, 1023, 1024, 1536, 150 * 1024, 25 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes))
      .toEqual(['0 B', '1023 B', '1.0 KB', '1.5 KB', '150 KB', '25.0 MB', '3.0 GB'])
  })

  it('picks an icon by kind, then by type', () => {
    expect(fileIcon(file('a.png', 'image/png', 'image'))).toBe('mdi-file-image-outline')
    expect(fileIcon(file('a.pdf'))).toBe('mdi-file-pdf-box')
    expect(fileIcon(file('a.zip', 'application/zip'))).toBe('mdi-folder-zip-outline')
    expect(fileIcon(file('a.bin', 'application/octet-stream'))).toBe('mdi-file-outline')
  })

  it('previews a message without text by its files', () => {
    expect(messagePreview({ content: '**hi**', attachments: [file('a.pdf')] }, 50)).toBe('hi')
    expect(messagePreview({ content: '', attachments: [file('minutes.pdf')] }, 50)).toBe('📎 minutes.pdf')
    expect(messagePreview({ content: '', attachments: [file('a.pdf'), file('b.pdf')] }, 50)).toBe('📎 2 files')
    expect(messagePreview({ content: '', attachments: [] }, 50)).toBe('')
  })
})
