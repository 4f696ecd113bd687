import { afterEach, describe, expect, it, vi } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { nextTick } from 'vue'
import type { Chat } from '#shared/types/api'
import ChatListItem from '~~/components/chat/ListItem.vue'
import { chatId, viewer } from './chat-fixtures'

// A timed mute ("Mute for 1 hour") ends on its own: the dimmed badge and the title's
// total follow at that moment, without a reload (utils/mute-clock.ts). The clock is
// injected: the test moves fake time to the mute's end instead of waiting for it.

function mutedChat(mutedUntil: string): Chat {
  return {
    id: chatId, type: 'group', name: 'Book club', topic: null, createdAt: '2026-11-20T00:00:00.000Z', createdBy: viewer.id, memberCount: 2,
    lastSeq: 3, lastChangeSeq: 3, lastMessage: null, lastActivityAt: '2026-11-20T00:00:00.000Z', peer: null,
    membership: { role: 'member', lastReadSeq: 0, unreadCount: 3, mentionCount: 0, mentionSeqs: [], notify: 'all', mutedUntil, joinedAt: '2026-11-20T00:00:00.000Z' },
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('a timed mute', () => {
  it('ends by itself: the badge is no longer dimmed and the unread count is in the total again', async () => {
    const chats = useChatsStore()
    chats.upsert(mutedChat(new Date(Date.now() + 8 * 60 * 60_000).toISOString()))
    const wrapper = await mountSuspended(ChatListItem, { props: { chat: chats.byId[chatId]!, viewerId: viewer.id } })
    expect(wrapper.find('[data-muted]').exists()).toBe(true)
    // Muted for 1 hour from now (in another tab, say), with time under the test's control.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const chat = chats.upsert(mutedChat(new Date(Date.now() + 60 * 60_000).toISOString()))
    await wrapper.setProps({ chat })
    expect(wrapper.attributes('aria-label')).toContain('muted')
    expect(chats.totalUnread).toBe(0)

    vi.advanceTimersByTime(59 * 60_000)
    await nextTick()
    expect(wrapper.find('[data-muted]').exists()).toBe(true)

    vi.advanceTimersByTime(60_000 + 10)
    await nextTick()
    expect(wrapper.find('[data-muted]').exists()).toBe(false)
    expect(wrapper.attributes('aria-label')).not.toContain('muted')
    expect(chats.totalUnread).toBe(3)
  })
})
