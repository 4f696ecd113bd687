import { afterEach, describe, expect, it, vi } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { nextTick } from 'vue'
import MessageList from '~~/components/chat/MessageList.vue'
import { chatId, message, viewer } from './chat-fixtures'

// A chat left open overnight: at local midnight the day separators name the days again
// ("Today" becomes "Yesterday"), without a new message or a reload, and this morning's
// message gets a "Today" of its own (utils/day-clock.ts; docs/ui.md, "Day separators").
// The clock is injected: the test moves fake time past midnight instead of waiting for it.

afterEach(() => {
  vi.useRealTimers()
})

const props = (messages: ReturnType<typeof message>[]) => ({
  chatId, messages, pending: [], viewerId: viewer.id, joined: true, unreadAfterSeq: null,
  hasMoreBefore: false, hasMoreAfter: false, loading: false, showSender: true, canModerate: false,
  focusSeq: null, seenLabel: () => null, loadOlder: async () => 0, loadNewer: async () => 0, senderName: () => undefined,
})

describe('day separators at midnight', () => {
  it('turn "Today" into "Yesterday" at the next local midnight, and a message after it is under "Today"', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(new Date(2026, 11, 7, 23, 59, 0))
    const evening = message(1, { createdAt: new Date(2026, 11, 7, 23, 58).toISOString(), content: 'Good night' })
    const wrapper = await mountSuspended(MessageList, { props: props([evening]) })
    const separators = () => wrapper.findAll('[role="separator"]').map(separator => separator.text())
    expect(separators()).toEqual(['Today'])

    vi.advanceTimersByTime(59_000)
    await nextTick()
    expect(separators()).toEqual(['Today'])

    vi.advanceTimersByTime(2_000)
    await nextTick()
    expect(separators()).toEqual(['Yesterday'])

    const morning = message(2, { createdAt: new Date(2026, 11, 8, 0, 0, 30).toISOString(), content: 'Good morning' })
    await wrapper.setProps({ messages: [evening, morning] })
    expect(separators()).toEqual(['Yesterday', 'Today'])
  })

  it('a device that slept through midnight (its timer not run) names the days again when shown', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(new Date(2026, 11, 9, 22, 0, 0))
    const evening = message(1, { createdAt: new Date(2026, 11, 9, 21, 58).toISOString(), content: 'Closing the laptop' })
    const wrapper = await mountSuspended(MessageList, { props: props([evening]) })
    const separators = () => wrapper.findAll('[role="separator"]').map(separator => separator.text())
    expect(separators()).toEqual(['Today'])

    // Asleep: the clock moves to the next morning, no timer runs; then the page is shown.
    vi.setSystemTime(new Date(2026, 11, 10, 8, 0, 0))
    document.dispatchEvent(new Event('visibilitychange'))
    await nextTick()
    expect(separators()).toEqual(['Yesterday'])
  })
})
