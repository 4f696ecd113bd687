import { describe, expect, it, vi } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { defineComponent, h, nextTick, reactive } from 'vue'
import type { Message } from '#shared/types/api'
import { useScrollAnchor, type ScrollAnchorSource } from '~~/composables/useScrollAnchor'
import { chatId, message, viewer } from './chat-fixtures'

/** A scroller with the geometry a browser would give it: 400 px tall, `content` px of messages. */
function fakeScroller(content: number) {
  const element = document.createElement('div')
  const geometry = { content, top: Math.max(0, content - 400) }
  Object.defineProperty(element, 'clientHeight', { get: () => 400 })
  Object.defineProperty(element, 'scrollHeight', { get: () => geometry.content })
  Object.defineProperty(element, 'scrollTop', {
    get: () => geometry.top,
    set: (value: number) => {
      geometry.top = Math.max(0, Math.min(value, geometry.content - 400))
    },
  })
  return { element, geometry }
}

async function anchored(element: HTMLElement, overrides: Partial<ScrollAnchorSource> = {}) {
  const source = reactive({
    chatId, messages: [message(1), message(2), message(3)] as Message[], pending: [], viewerId: viewer.id, loading: false,
    focusSeq: null, hasMoreBefore: false, hasMoreAfter: false, loadOlder: async () => 0, loadNewer: async () => 0, ...overrides,
  })
  let anchor!: ReturnType<typeof useScrollAnchor>
  await mountSuspended(defineComponent({
    setup() {
      anchor = useScrollAnchor(ref(element), source, () => {})
      return () => h('div')
    },
  }))
  await nextTick()
  return { source, anchor }
}

describe('scroll anchoring of the message log', () => {
  it('opens at the end and follows new messages while the reader is at the bottom', async () => {
    const { element, geometry } = fakeScroller(2000)
    geometry.top = 0
    const { source, anchor } = await anchored(element)
    await nextTick()
    expect(geometry.top).toBe(1600)

    geometry.content = 2100
    source.messages = [...source.messages, message(4)]
    await nextTick()
    await nextTick()
    expect(geometry.top).toBe(1700)
    expect(anchor.unseenCount.value).toBe(0)
  })

  it('counts new messages instead of moving while the reader is scrolled up, until they reach the bottom', async () => {
    const { element, geometry } = fakeScroller(2000)
    const { source, anchor } = await anchored(element)
    await nextTick()
    geometry.top = 500
    anchor.onScroll()
    expect(anchor.atBottom.value).toBe(false)

    geometry.content = 2200
    source.messages = [...source.messages, message(4), message(5)]
    await nextTick()
    await nextTick()
    expect(geometry.top).toBe(500)
    expect(anchor.unseenCount.value).toBe(2)

    geometry.top = 1800
    anchor.onScroll()
    expect(anchor.unseenCount.value).toBe(0)
  })

  it('counts a message of the reader\'s account sent elsewhere like anyone\'s, and follows only a send from this tab', async () => {
    const { element, geometry } = fakeScroller(2000)
    const { source, anchor } = await anchored(element)
    await nextTick()
    geometry.top = 500
    anchor.onScroll()
    const mine = { sender: { id: viewer.id, username: viewer.username, displayName: viewer.displayName } }

    // From the reader's phone: their account, not this tab's outbox.
    geometry.content = 2100
    source.messages = [...source.messages, message(4, { ...mine, clientId: 'from-the-phone' })]
    await nextTick()
    await nextTick()
    expect(geometry.top).toBe(500)
    expect(anchor.unseenCount.value).toBe(1)

    // Sent from this tab while it waits for the server, then confirmed: followed both times.
    geometry.top = 500
    anchor.onScroll()
    geometry.content = 2200
    source.pending = [{ clientId: 'from-this-tab' }] as never
    await nextTick()
    await nextTick()
    expect(geometry.top).toBe(1800)
    geometry.top = 500
    anchor.onScroll()
    source.pending = []
    source.messages = [...source.messages, message(5, { ...mine, clientId: 'from-this-tab' })]
    await nextTick()
    await nextTick()
    expect(geometry.top).toBe(1800)
  })

  it('stays where the reader is when a newer page comes below a history held partway, and follows again once it is live', async () => {
    const { element, geometry } = fakeScroller(2000)
    const { source, anchor } = await anchored(element, { hasMoreAfter: true })
    await nextTick()
    expect(geometry.top).toBe(1600)

    // The reader reached the end of the page: the next one (the last) comes below.
    geometry.content = 4000
    source.messages = [...source.messages, message(4), message(5)]
    source.hasMoreAfter = false
    await nextTick()
    await nextTick()
    expect(geometry.top).toBe(1600)

    geometry.top = 3600
    anchor.onScroll()
    geometry.content = 4100
    source.messages = [...source.messages, message(6)]
    await nextTick()
    await nextTick()
    expect(geometry.top).toBe(3700)
  })

  it('keeps the messages on screen in place while an older page is added above them', async () => {
    const { element, geometry } = fakeScroller(2000)
    let older!: () => void
    const { anchor } = await anchored(element, {
      hasMoreBefore: true,
      loadOlder: () => new Promise<number>((resolve) => {
        older = () => {
          geometry.content = 3000
          resolve(20)
        }
      }),
    })
    await nextTick()
    geometry.top = 100
    anchor.onScroll()
    await vi.waitFor(() => expect(older).toBeTypeOf('function'))
    older()
    await vi.waitFor(() => expect(geometry.top).toBe(1100))
  })
})
