import { useResizeObserver } from '@vueuse/core'
import type { Message } from '#shared/types/api'

/** What the scroll anchoring reads of the message list (its props). */
export interface ScrollAnchorSource {
  readonly chatId: string
  readonly messages: Message[]
  /** This tab's own sends not confirmed yet (the outbox's, for this chat). */
  readonly pending: readonly { clientId: string }[]
  readonly viewerId: string | null
  readonly loading: boolean
  /** The message to show (search result, reply target), or null for the unread divider or the end. */
  readonly focusSeq: number | null
  /** Where the reader was when they left this chat's history entry (Back/Forward to it), or null. */
  readonly restoreAt?: ReadingPosition | null
  readonly hasMoreBefore: boolean
  readonly hasMoreAfter: boolean
  readonly loadOlder: () => Promise<number>
  readonly loadNewer: () => Promise<number>
}

/** The messages on screen, by seq: `from` the first (partly) shown to `to`, the last whose top is shown. */
export interface SeqRange { from: number, to: number }

/** Where a reader stands: the first message (partly) on screen, and its top's offset from the log's top. */
export interface ReadingPosition { seq: number, offset: number }

/** Within this many pixels of the end counts as at the bottom (new messages are followed). */
const BOTTOM_SLACK_PX = 80
/** Closer than this to the top loads the older page. */
const TOP_LOAD_PX = 300

/**
 * Where a scrolled message log stands and keeps standing: a chat opens on the focused
 * message, the unread divider or the end; new messages are followed while the reader is
 * at the bottom (or sent them) and counted in `unseenCount` otherwise; older pages load
 * near the top without moving what is on screen, newer ones at the bottom; and the last
 * message whose top is on screen is reported read (`onRead`, with the first message on screen)
 * while the tab is visible. Elements carry `data-seq`; the unread divider `data-unread-divider`.
 * Proven by tests/components/scroll-anchor.test.ts and tests/e2e/chat-history.spec.ts.
 */
export function useScrollAnchor(scroller: Ref<HTMLElement | null>, source: ScrollAnchorSource, onRead: (onScreen: SeqRange) => void) {
  const atBottom = ref(true)
  const unseenCount = ref(0)
  const messages = useMessagesStore()

  function isAtBottom(element: HTMLElement) {
    return element.scrollHeight - element.scrollTop - element.clientHeight < BOTTOM_SLACK_PX
  }

  function scrollToBottom() {
    const element = scroller.value
    if (element) element.scrollTop = element.scrollHeight
    unseenCount.value = 0
  }

  /** Centres a message (search result, replied-to message); false when it is not held. */
  /**
   * A jump (a search result, a quote, the next mention): the message is centred and takes the
   * focus, so a screen reader reads it and the keyboard goes on from there (the focus went
   * back to the search button). Focusable by script only: no Tab stop per message.
   */
  function scrollToSeq(seq: number): boolean {
    const target = scroller.value?.querySelector<HTMLElement>(`[data-seq="${seq}"]`)
    if (!target) return false
    target.scrollIntoView({ block: 'center' })
    target.tabIndex = -1
    target.focus({ preventScroll: true })
    return true
  }

  /** Marks read up to the last message whose top is on screen, while the tab is visible. */
  function reportRead() {
    const element = scroller.value
    if (!element || document.visibilityState !== 'visible') return
    const { top, bottom } = element.getBoundingClientRect()
    let firstVisible: number | null = null
    let lastVisible: number | null = null
    for (const node of element.querySelectorAll<HTMLElement>('[data-seq]')) {
      const box = node.getBoundingClientRect()
      if (box.top >= bottom) break
      lastVisible = Number(node.dataset.seq)
      if (firstVisible === null && box.bottom > top) firstVisible = lastVisible
    }
    if (lastVisible !== null) onRead({ from: firstVisible ?? lastVisible, to: lastVisible })
  }

  let loadingOlder = false
  async function maybeLoadOlder() {
    const element = scroller.value
    if (!element || loadingOlder || !source.hasMoreBefore || element.scrollTop > TOP_LOAD_PX) return
    loadingOlder = true
    // Keep the messages on screen where they are while older ones are added above.
    const fromBottom = element.scrollHeight - element.scrollTop
    try {
      const added = await source.loadOlder()
      if (added > 0) {
        await nextTick()
        element.scrollTop = element.scrollHeight - fromBottom
      }
    }
    catch {
      // The next scroll tries again.
    }
    finally {
      loadingOlder = false
    }
  }

  let loadingNewer = false
  async function maybeLoadNewer() {
    const element = scroller.value
    if (!element || loadingNewer || !source.hasMoreAfter || !isAtBottom(element)) return
    loadingNewer = true
    try {
      await source.loadNewer()
    }
    catch {
      // The next scroll tries again.
    }
    finally {
      loadingNewer = false
    }
  }

  function onScroll() {
    const element = scroller.value
    if (!element) return
    atBottom.value = isAtBottom(element)
    if (atBottom.value) unseenCount.value = 0
    void maybeLoadOlder()
    void maybeLoadNewer()
    reportRead()
  }

  /** The view placed last (placeInitialView): a chat, and the message it was opened on. */
  let placedFor: string | null = null
  const viewKey = () => `${source.chatId}:${source.focusSeq ?? ''}`

  // New messages at the end: follow them if the reader was at the bottom, else count them.
  // Not before the view is placed: the first page of a chat opening on its unread divider
  // would be scrolled to the end, and everything in it reported read, on the way.
  // Only a new last message or a send counts: an edit, a reaction or an older page changes
  // the list too, and used to pull a reader whose own message was last down to the end,
  // reporting everything on the way read.
  // Nor does a newer page, loaded as the reader reaches the end of a history held partway
  // (opened at the first unread, or a search result): it comes below the reader, who reads on;
  // followed, each page pulled the next one, and the chat was read to its end unseen.
  // The reader's own send from this tab is followed wherever they were: one they sent (a new
  // pending item), or its confirmation replacing it at the end. Not any message of their
  // account: one sent from their phone comes to the laptop as a colleague's does, counted
  // under Jump to latest while they read history (tests/e2e/chat-history.spec.ts, "...sends
  // from another device...").
  watch(() => [source.messages.at(-1)?.seq, source.pending.map(item => item.clientId), source.hasMoreAfter] as const, async ([lastSeq, pendingIds], [previousSeq, previousPendingIds, hadMoreAfter]) => {
    if (placedFor !== viewKey() || hadMoreAfter) return
    const newAtEnd = lastSeq !== undefined && (previousSeq === undefined || lastSeq > previousSeq)
    const sentNow = pendingIds.length > previousPendingIds.length
    if (!newAtEnd && !sentNow) return
    const wasAtBottom = atBottom.value
    const lastClientId = source.messages.at(-1)?.clientId
    const mineArrived = sentNow || (!!lastClientId && (previousPendingIds.includes(lastClientId) || pendingIds.includes(lastClientId)))
    await nextTick()
    const arrived = lastSeq !== undefined && previousSeq !== undefined && lastSeq > previousSeq ? lastSeq - previousSeq : 0
    // Away from the tab or the network, the reader has seen none of it: followed no further
    // than the unread divider's place at the top, so they come back to where they left off.
    const divider = wasAtBottom && !mineArrived && lastSeq !== undefined && messages.arrivedWhileAway(source.chatId, lastSeq) ? scroller.value?.querySelector<HTMLElement>('[data-unread-divider]') : null
    if (divider && scroller.value) {
      divider.scrollIntoView({ block: 'start' })
      atBottom.value = isAtBottom(scroller.value)
      if (!atBottom.value) unseenCount.value += arrived
    }
    else if (wasAtBottom || mineArrived) scrollToBottom()
    else unseenCount.value += arrived
    reportRead()
  })

  /** The first message on screen and where its top stands, for Back to the chat (useConversation). */
  function readingPosition(): ReadingPosition | null {
    const element = scroller.value
    if (!element) return null
    const top = element.getBoundingClientRect().top
    for (const node of element.querySelectorAll<HTMLElement>('[data-seq]')) {
      const box = node.getBoundingClientRect()
      if (box.bottom > top) return { seq: Number(node.dataset.seq), offset: box.top - top }
    }
    return null
  }

  /** Puts a kept reading position back; false when its message is not held. */
  function placeAt(position: ReadingPosition): boolean {
    const element = scroller.value
    const target = element?.querySelector<HTMLElement>(`[data-seq="${position.seq}"]`)
    if (!element || !target) return false
    element.scrollTop += target.getBoundingClientRect().top - element.getBoundingClientRect().top - position.offset
    return true
  }

  /**
   * Where the view starts when a chat opens: where the reader was (Back/Forward to it), the
   * focused message, the unread divider, or the end.
   */
  async function placeInitialView() {
    await nextTick()
    const element = scroller.value
    if (!element) return
    if (source.restoreAt && source.focusSeq === null && placeAt(source.restoreAt)) {
      // Back where the reader left it: nothing else moves the view.
    }
    else if (source.focusSeq === null || !scrollToSeq(source.focusSeq)) {
      const divider = element.querySelector<HTMLElement>('[data-unread-divider]')
      if (divider) divider.scrollIntoView({ block: 'start' })
      else scrollToBottom()
    }
    atBottom.value = isAtBottom(element)
    reportRead()
    void maybeLoadOlder()
  }

  watch(() => [source.chatId, source.loading, source.messages.length, source.focusSeq] as const, () => {
    const key = viewKey()
    if (source.loading || placedFor === key || (source.messages.length === 0 && source.pending.length === 0)) return
    placedFor = key
    void placeInitialView()
  }, { immediate: true })

  // The log grows shorter when a phone's keyboard opens (or the window is resized): a reader
  // at the end stays at the end, the latest message above the keyboard, not pushed under it.
  useResizeObserver(scroller, () => {
    if (placedFor !== viewKey() || !atBottom.value) return
    scrollToBottom()
    reportRead()
  })

  function onVisibility() {
    if (document.visibilityState === 'visible') reportRead()
  }
  onMounted(() => document.addEventListener('visibilitychange', onVisibility))
  onBeforeUnmount(() => document.removeEventListener('visibilitychange', onVisibility))

  return { atBottom, unseenCount, onScroll, scrollToBottom, scrollToSeq, readingPosition }
}
