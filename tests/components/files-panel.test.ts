import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import type { Chat, ChatFile } from '#shared/types/api'
import FilesPanel from '~~/components/attachments/FilesPanel.vue'
import { ben, chatId } from './chat-fixtures'

const { api } = vi.hoisted(() => ({ api: vi.fn() }))
mockNuxtImport('useApi', () => () => api)

const chat = { id: chatId, type: 'group', name: 'Team' } as Chat

function file(n: number, kind: ChatFile['kind'] = 'file'): ChatFile {
  const id = n.toString(16).padStart(24, 'f')
  return {
    id, chatId, name: `file-${n}.${kind === 'image' ? 'png' : 'pdf'}`, size: 2048 * n, type: kind === 'image' ? 'image/png' : 'application/pdf', kind,
    width: kind === 'image' ? 10 : null, height: kind === 'image' ? 10 : null, url: `/api/attachments/${id}`,
    thumbnailUrl: kind === 'image' ? `/api/attachments/${id}/thumbnail` : null, createdAt: new Date().toISOString(), messageId: id, senderId: ben.id,
  }
}

describe('the Files panel', () => {
  it('lists the chat\'s files newest first and loads older pages with the cursor', async () => {
    api.mockResolvedValueOnce({ items: [file(4, 'image'), file(3)], nextCursor: '3' })
    const wrapper = await mountSuspended(FilesPanel, { props: { chat } })
    await vi.waitFor(() => expect(wrapper.findAll('[data-attachment-id]')).toHaveLength(2))
    expect(api).toHaveBeenCalledWith(`/api/chats/${chatId}/attachments`, { query: {} })
    expect(wrapper.find('[aria-label="Open image file-4.png"]').exists()).toBe(true)
    expect(wrapper.get('[aria-label="Download file-3.pdf"]').attributes('href')).toBe(file(3).url)
    expect(wrapper.text()).toContain('6.0 KB')

    api.mockResolvedValueOnce({ items: [file(2), file(1)], nextCursor: null })
    await wrapper.get('button.v-btn--block').trigger('click')
    await vi.waitFor(() => expect(wrapper.findAll('[data-attachment-id]')).toHaveLength(4))
    expect(api).toHaveBeenLastCalledWith(`/api/chats/${chatId}/attachments`, { query: { before: '3' } })
    expect(wrapper.findAll('[data-attachment-id]').map(item => item.attributes('data-attachment-id'))).toEqual([4, 3, 2, 1].map(n => file(n).id))
    expect(wrapper.text()).not.toContain('More files')
  })

  it('says when nothing was shared', async () => {
    api.mockResolvedValueOnce({ items: [], nextCursor: null })
    const wrapper = await mountSuspended(FilesPanel, { props: { chat } })
    await vi.waitFor(() => expect(wrapper.text()).toContain('No files shared here yet.'))
  })
})
