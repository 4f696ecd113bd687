import { defineStore } from 'pinia'
import type { ChangesPage, Message, MessageHistory } from '#shared/types/api'
import { MESSAGE_LIST_LIMIT } from '#shared/limits'

/** Each chat's held history, keyed by chat and seq; events and pages merge in idempotently. */
export const useMessagesStore = defineStore('messages', () => {
  const api = useApi()
  const auth = useAuthStore()
  const windows = ref<Record<string, MessageWindow>>({})
  const loading = ref<Record<string, boolean>>({})
  /**
   * Per chat, the last seq a reconnect's catch-up brought: what came while the socket was
   * down was missed by the reader as surely as what came while the tab was hidden, though
   * the tab is visible by the time it lands (a phone unlocked before its network is back).
   */
  const missedThrough = ref<Record<string, number>>({})

  function windowOf(chatId: string): MessageWindow {
    return (windows.value[chatId] ??= emptyWindow())
  }

  function isLoaded(chatId: string): boolean {
    return chatId in windows.value
  }

  /** Whether the message with this seq is held (the run a chat opens on must hold its first unread). */
  function holds(chatId: string, seq: number): boolean {
    return !!windows.value[chatId]?.bySeq[seq]
  }

  /** The chat's held messages, in seq order. */
  function messagesOf(chatId: string): Message[] {
    const window = windows.value[chatId]
    return window ? orderedMessages(window) : []
  }

  function find(chatId: string, messageId: string): Message | undefined {
    const window = windows.value[chatId]
    const seq = window?.seqById[messageId]
    return seq === undefined ? undefined : window!.bySeq[seq]
  }

  /**
   * Chats whose page is on its way: the messages that arrive live meanwhile (the page
   * may be older than they are), and whether the socket reconnected meanwhile (events
   * may have been missed that the page does not have either).
   */
  const opening = new Map<string, { live: Message[], resync: boolean }>()

  /**
   * Messages deleted since this page loaded, held or not: what lists their files (the Files
   * panel) drops them without reading its pages again.
   */
  const deletedIds = ref(new Set<string>())

  function isDeleted(chatId: string, messageId: string): boolean {
    return deletedIds.value.has(messageId) || !!find(chatId, messageId)?.deletedAt
  }

  function apply(message: Message): boolean {
    if (message.deletedAt) deletedIds.value.add(message.id)
    opening.get(message.chatId)?.live.push(message)
    if (!isLoaded(message.chatId)) return false
    return applyToWindow(windowOf(message.chatId), message)
  }

  async function fetchHistory(chatId: string, query: { before?: number, after?: number, around?: number }) {
    return api<MessageHistory>(`/api/chats/${chatId}/messages`, { query: { limit: MESSAGE_LIST_LIMIT.default, ...query } })
  }

  async function withLoading<T>(chatId: string, task: () => Promise<T>): Promise<T> {
    loading.value[chatId] = true
    try {
      return await task()
    }
    finally {
      loading.value[chatId] = false
    }
  }

  /** The latest page (or the page around `seq`), replacing what was held. */
  async function open(chatId: string, around?: number | null) {
    const inFlight = { live: [] as Message[], resync: false }
    opening.set(chatId, inFlight)
    try {
      const page = await withLoading(chatId, () => fetchHistory(chatId, around ? { around } : {}))
      const window = windowOf(chatId)
      applyPage(window, page, 'replace')
      for (const message of inFlight.live) applyToWindow(window, message)
    }
    finally {
      if (opening.get(chatId) === inFlight) opening.delete(chatId)
    }
    if (inFlight.resync) await catchUp(chatId)
  }

  /** The socket (re)connected: pages still on their way catch up once they land. */
  function resyncOpening() {
    for (const inFlight of opening.values()) inFlight.resync = true
  }

  /** One older page; resolves to how many messages were added. */
  async function loadOlder(chatId: string): Promise<number> {
    const window = windows.value[chatId]
    const first = window ? orderedMessages(window)[0] : undefined
    if (!window || !first || !window.hasMoreBefore || loading.value[chatId]) return 0
    const page = await withLoading(chatId, () => fetchHistory(chatId, { before: first.seq }))
    applyPage(window, page, 'before')
    return page.items.length
  }

  async function loadNewer(chatId: string): Promise<number> {
    const window = windows.value[chatId]
    const messages = window ? orderedMessages(window) : []
    const last = messages[messages.length - 1]
    if (!window || !last || !window.hasMoreAfter || loading.value[chatId]) return 0
    const page = await withLoading(chatId, () => fetchHistory(chatId, { after: last.seq }))
    applyPage(window, page, 'after')
    return page.items.length
  }

  /**
   * Applies everything that changed in a held chat since it was last in sync: since `from`
   * when given (where the window stood when the socket came back), else since the window's
   * own lastChangeSeq, which never moves past a change not applied (utils/message-window.ts).
   */
  async function catchUp(chatId: string, upTo?: number, from?: number, options: { missedWhileAway?: boolean } = {}) {
    const window = windows.value[chatId]
    if (!window) return
    let since = from ?? window.lastChangeSeq
    for (let round = 0; round < 50; round++) {
      if (upTo !== undefined && since >= upTo) return
      const page = await api<ChangesPage>(`/api/chats/${chatId}/changes`, { query: { since, limit: 100 } })
      for (const message of page.items) {
        if (message.deletedAt) deletedIds.value.add(message.id)
        if (options.missedWhileAway && message.seq > (missedThrough.value[chatId] ?? 0)) missedThrough.value[chatId] = message.seq
        applyToWindow(window, message)
      }
      since = Math.max(since, page.lastChangeSeq, ...page.items.map(message => message.changeSeq))
      markCaughtUp(window, since)
      if (!page.hasMore) return
    }
  }

  /**
   * Whether a message at the end of a chat's log arrived unseen by the reader: the tab was
   * hidden, or it came with the catch-up after the socket was down
   * (composables/useConversation.ts, useScrollAnchor.ts; docs/ui.md, "Away and back").
   */
  function arrivedWhileAway(chatId: string, seq: number): boolean {
    return document.visibilityState === 'hidden' || (missedThrough.value[chatId] ?? 0) >= seq
  }

  /** Someone's new display name on the messages held from them (pages read later carry it already). */
  function applySender(user: Pick<Message['sender'], 'id' | 'displayName'>) {
    for (const window of Object.values(windows.value)) {
      for (const [seq, message] of Object.entries(window.bySeq)) {
        if (message.sender.id === user.id) window.bySeq[Number(seq)] = { ...message, sender: { ...message.sender, displayName: user.displayName } }
      }
    }
  }

  /** The last seq the viewer can have seen in a chat: none past a gap in what is held. */
  function shownThrough(chatId: string): number | null {
    const window = windows.value[chatId]
    return window ? heldWithoutGapThrough(window) : null
  }

  /** The first seq held in a chat (null: none). */
  function firstHeldSeq(chatId: string): number | null {
    const window = windows.value[chatId]
    return (window && heldBounds(window)?.min) ?? null
  }

  function forget(chatId: string) {
    windows.value = omitKey(windows.value, chatId)
    missedThrough.value = omitKey(missedThrough.value, chatId)
  }

  // Edits, deletes and reactions show at once and roll back if the server refuses. Each
  // starts from the held version of the message, not the copy the caller holds: an edit
  // begun before a deletion arrived had put the deleted message back (its optimistic copy,
  // then the rollback, wrote over the tombstone).

  /** The version of `message` this tab holds now (newer than a copy taken earlier), or the copy itself. */
  function heldVersion(message: Message): Message {
    return find(message.chatId, message.id) ?? message
  }

  async function replaceOptimistically(message: Message, change: (held: Message) => Message, request: () => Promise<Message | undefined>) {
    const window = windowOf(message.chatId)
    const confirmed = await withRollback(() => {
      const held = heldVersion(message)
      // A deleted message changes no more: nothing to show while the server says so.
      if (held.deletedAt) return undefined
      const optimistic = change(held)
      window.bySeq[held.seq] = optimistic
      return () => {
        // Unless a newer version arrived meanwhile.
        if (toRaw(window.bySeq[held.seq]) === optimistic) window.bySeq[held.seq] = held
      }
    }, request)
    if (confirmed) applyToWindow(window, confirmed)
  }

  function edit(message: Message, content: string) {
    return replaceOptimistically(message, held => ({ ...held, content, editedAt: serverDate().toISOString() }),
      () => api<Message>(`/api/messages/${message.id}`, { method: 'PATCH', body: { content } }))
  }

  function remove(message: Message) {
    return replaceOptimistically(message, held => ({ ...held, content: '', reactions: [], deletedAt: new Date().toISOString() }),
      async () => {
        await api(`/api/messages/${message.id}`, { method: 'DELETE' })
        return undefined
      })
  }

  function toggleReaction(message: Message, emoji: string) {
    const me = auth.user?.id
    if (!me) return Promise.resolve()
    const mine = !!heldVersion(message).reactions.find(reaction => reaction.emoji === emoji)?.userIds.includes(me)
    return replaceOptimistically(message, (held) => {
      const existing = held.reactions.find(reaction => reaction.emoji === emoji)
      const reactions = mine
        ? held.reactions
            .map(reaction => reaction.emoji === emoji ? { ...reaction, count: reaction.count - 1, userIds: reaction.userIds.filter(id => id !== me) } : reaction)
            .filter(reaction => reaction.count > 0)
        : existing
          ? held.reactions.map(reaction => reaction.emoji === emoji ? { ...reaction, count: reaction.count + 1, userIds: [...reaction.userIds, me] } : reaction)
          : [...held.reactions, { emoji, count: 1, userIds: [me] }]
      return { ...held, reactions }
    }, () => api<Message>(`/api/messages/${message.id}/reactions/${encodeURIComponent(emoji)}`, { method: mine ? 'DELETE' : 'PUT' }))
  }

  function reset() {
    opening.clear()
    deletedIds.value = new Set()
    windows.value = {}
    loading.value = {}
    missedThrough.value = {}
  }

  return { windows, loading, isLoaded, holds, messagesOf, find, heldVersion, shownThrough, firstHeldSeq, isDeleted, apply, open, resyncOpening, loadOlder, loadNewer, catchUp, arrivedWhileAway, applySender, forget, edit, remove, toggleReaction, reset }
})
