import { describe, expect, it } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import MessageList from '~~/components/chat/MessageList.vue'
import { buildTimeline } from '~~/utils/timeline'
import { formatEdited } from '~~/utils/format'
import { chatId, message, viewer } from './chat-fixtures'

const dayOne = (hour: number, minute = 0) => new Date(2026, 10, 20, hour, minute).toISOString()
const dayTwo = (hour: number) => new Date(2026, 10, 21, hour, 0).toISOString()

describe('conversation layout', () => {
  it('puts a separator before each day and groups one person\'s consecutive messages', () => {
    const entries = buildTimeline([
      message(1, { createdAt: dayOne(9) }),
      message(2, { createdAt: dayOne(9, 1) }),
      message(3, { createdAt: dayOne(9, 2), sender: { id: viewer.id, username: 'ana', displayName: 'Ana' } }),
      message(4, { createdAt: dayOne(11) }),
      message(5, { createdAt: dayTwo(9) }),
    ], { viewerId: viewer.id })
    expect(entries.map(entry => entry.kind === 'message' ? `${entry.message.seq}${entry.grouped ? '+' : ''}` : entry.kind))
      .toEqual(['day', '1', '2+', '3', '4', 'day', '5'])
  })

  it('places the unread divider before the first message from someone else after the read position', () => {
    const mine = { id: viewer.id, username: 'ana', displayName: 'Ana' }
    const entries = buildTimeline([message(1), message(2, { sender: mine }), message(3), message(4)], { viewerId: viewer.id, unreadAfterSeq: 1 })
    expect(entries.map(entry => entry.kind === 'message' ? entry.message.seq : entry.kind)).toEqual(['day', 1, 2, 'unread', 3, 4])
  })

  it('draws no unread divider when the first unread message is not held (a page that starts later, or a gap)', () => {
    const kinds = (seqs: number[]) => buildTimeline(seqs.map(seq => message(seq)), { viewerId: viewer.id, unreadAfterSeq: 1 })
      .map(entry => entry.kind === 'message' ? entry.message.seq : entry.kind)
    expect(kinds([51, 52, 53])).toEqual(['day', 51, 52, 53])
    expect(kinds([1, 3, 4])).toEqual(['day', 1, 3, 4])
    expect(kinds([2, 3])).toEqual(['day', 'unread', 2, 3])
  })

  it('does not group across a deleted message, and shows pending messages last', () => {
    const entries = buildTimeline([message(1), message(2, { deletedAt: dayOne(12), content: '' }), message(3)], {
      viewerId: viewer.id,
      pending: [{ clientId: 'x', chatId, content: 'hi', replyToId: null, createdAt: new Date(Date.UTC(2026, 10, 20, 12, 0, 10)).toISOString(), status: 'pending', error: null }],
    })
    expect(entries.filter(entry => entry.kind === 'message').map(entry => (entry as { grouped: boolean }).grouped)).toEqual([false, false, false])
    expect(entries.at(-1)?.kind).toBe('pending')
  })

  it('renders the log with day separators, edited and deleted markers, and user content as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>'
    const wrapper = await mountSuspended(MessageList, {
      props: {
        chatId,
        messages: [
          message(1, { createdAt: dayOne(9), content: hostile }),
          message(2, { createdAt: dayOne(9, 1), editedAt: dayOne(9, 5) }),
          message(3, { createdAt: dayTwo(9), content: '', deletedAt: dayTwo(10) }),
        ],
        pending: [],
        viewerId: viewer.id,
        joined: true,
        unreadAfterSeq: null,
        hasMoreBefore: false,
        hasMoreAfter: false,
        loading: false,
        showSender: true,
        canModerate: false,
        focusSeq: null,
        seenLabel: () => null,
        loadOlder: async () => 0,
        loadNewer: async () => 0,
        senderName: () => undefined,
      },
    })
    const log = wrapper.get('[role="log"]')
    expect(log.attributes('aria-label')).toBe('Messages')
    expect(log.attributes('aria-live')).toBe('polite')
    expect(wrapper.findAll('.day-separator')).toHaveLength(2)
    expect(wrapper.text()).toContain(hostile)
    expect(wrapper.find('img').exists()).toBe(false)
    expect(wrapper.text()).toContain('edited')
    // When, for a screen reader, in place of the word (the tooltip shows it on hover and focus).
    expect(wrapper.get('.message__edited .d-sr-only').text()).toBe(formatEdited(dayOne(9, 5)))
    expect(wrapper.text()).toContain('This message was deleted')
    expect(wrapper.findAll('button[aria-label="Message actions"]')).toHaveLength(2)
  })
})
