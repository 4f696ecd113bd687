import { defineStore } from 'pinia'
import type { Message } from '#shared/types/api'
import { isUploaded, waitsForConnection } from './uploads'
import { mergeList, readList, whileClaimed } from './outbox-storage'
import { useNotSentNotices, type NotSentNotice } from './outbox-not-sent'

const STORAGE_PREFIX = 'parley:outbox:'
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000]

const isItem = (item: PendingMessage) => typeof item.clientId === 'string' && typeof item.chatId === 'string'

function newClientId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

/**
 * Messages the viewer wrote that the server has not confirmed yet. They live in
 * localStorage (per user) so a reload or a lost connection loses nothing, and each is
 * resent with its first clientId, which the server stores at most once.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const api = useApi()
  const auth = useAuthStore()
  const uploads = useUploadsStore()
  const items = ref<PendingMessage[]>([])
  const notices = useNotSentNotices()
  const notSent = notices.notices
  let storageKey: string | null = null
  /** What this tab took out of the stored lists (another tab of the person keeps its own). */
  let itemsLetGo = new Set<string>()
  let flushing = false
  let flushAgain = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let attempt = 0
  /** Called with each confirmed message (wired by useRealtime to the other stores). */
  let onDelivered: (message: Message) => void = () => {}

  function persist() {
    mergeList(storageKey, items.value, itemsLetGo, item => item.clientId, isItem)
  }

  /** Takes items out of this tab's outbox, and of the stored one at its next write. */
  function letGo(leaving: (item: PendingMessage) => boolean) {
    for (const item of items.value) if (leaving(item)) itemsLetGo.add(item.clientId)
    items.value = items.value.filter(item => !leaving(item))
  }

  /** Still stored: no other tab of the person has had it confirmed (or discarded) meanwhile. */
  function stillStored(item: PendingMessage): boolean {
    return !storageKey || readList(storageKey, isItem).some(entry => entry.clientId === item.clientId)
  }

  /** Loads the signed-in user's outbox from the browser. */
  function restore(userId: string) {
    storageKey = `${STORAGE_PREFIX}${userId}`
    itemsLetGo = new Set()
    notices.restore(userId)
    items.value = readList(storageKey, isItem)
  }

  function setDeliveryHandler(handler: (message: Message) => void) {
    onDelivered = handler
  }

  // A message waiting for its files goes as soon as they are uploaded.
  uploads.setSettledHandler(() => void flush())

  function pendingIn(chatId: string): PendingMessage[] {
    return items.value.filter(item => item.chatId === chatId)
  }

  function enqueue(chatId: string, content: string, replyToId: string | null = null, uploadKeys: string[] = []): PendingMessage {
    const item: PendingMessage = { clientId: newClientId(), chatId, content, replyToId, createdAt: serverDate().toISOString(), status: 'pending', error: null, uploads: uploadKeys, attachments: [] }
    items.value.push(item)
    persist()
    void flush()
    return item
  }

  /** The server confirmed a message (by HTTP answer or its own event): it leaves the outbox. */
  function settle(message: Message) {
    if (!message.clientId || message.sender.id !== auth.user?.id) return
    const before = items.value.length
    letGo(item => item.clientId === message.clientId && item.chatId === message.chatId)
    if (items.value.length !== before) persist()
  }

  /**
   * Once all the item's uploads are done, moves them into its attachments in the order
   * attached: 'ready' when none is left, 'waiting' while some still upload or wait for the
   * connection, 'failed' when one failed otherwise or is gone (a reload loses the bytes of
   * unfinished uploads).
   */
  function collectUploads(item: PendingMessage): 'ready' | 'waiting' | 'failed' {
    const keys = item.uploads ?? []
    if (keys.length === 0) return 'ready'
    const pending = keys.map(key => uploads.byKey[key])
    const lost = pending.find(upload => upload?.status !== 'done' && upload?.status !== 'uploading' && !waitsForConnection(upload))
    if (pending.includes(undefined) || lost) {
      item.error = lost?.error ?? 'A file was not uploaded; discard the message and attach it again'
      return 'failed'
    }
    const uploaded = pending.filter(isUploaded)
    if (uploaded.length < pending.length) return 'waiting'
    item.attachments = [...(item.attachments ?? []), ...uploaded.map(upload => upload.attachment)]
    item.uploads = []
    for (const key of keys) uploads.release(key)
    persist()
    return 'ready'
  }

  /** Waits the back-off, or longer when the server said how long (Retry-After: it is overloaded or the sender over its rate). */
  function scheduleRetry(serverDelayMs: number | null = null) {
    if (retryTimer) return
    const delay = Math.max(serverDelayMs ?? 0, RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!)
    attempt++
    retryTimer = setTimeout(() => {
      retryTimer = null
      // An upload cut off with no `offline` event (a proxy's reset) meets no `online` either.
      uploads.retryWaiting()
      void flush()
    }, delay)
  }

  function post(item: PendingMessage): Promise<Message> {
    return api<Message>(`/api/chats/${item.chatId}/messages`, {
      method: 'POST',
      body: {
        content: item.content,
        clientId: item.clientId,
        ...(item.replyToId ? { replyToId: item.replyToId } : {}),
        ...(item.attachments?.length ? { attachments: item.attachments.map(attachment => attachment.id) } : {}),
      },
    })
  }

  /** Sends every pending message in order; stops at the first that cannot go now. */
  async function flush(): Promise<void> {
    if (flushing) {
      flushAgain = true
      return
    }
    flushing = true
    try {
      do {
        flushAgain = false
        // Chats one of whose messages another tab is sending: their later messages wait for it
        // (one person's messages go in the order typed), and a retry looks again, should
        // that tab close before its answer.
        const heldByAnotherTab = new Set<string>()
        for (const item of [...items.value]) {
          if (item.status !== 'pending' || !items.value.includes(item) || heldByAnotherTab.has(item.chatId)) continue
          const files = collectUploads(item)
          if (files === 'waiting') {
            if (item.uploads?.some(key => waitsForConnection(uploads.byKey[key]))) scheduleRetry()
            continue
          }
          if (files === 'failed') {
            item.status = 'failed'
            persist()
            continue
          }
          try {
            // One tab sends a given message: another tab holding it (a reload restores them
            // all) leaves it to the one that claimed it, whose answer comes here as its event.
            const claimed = await whileClaimed(item.clientId, async () => stillStored(item) ? await post(item) : null)
            if (!claimed) {
              heldByAnotherTab.add(item.chatId)
              scheduleRetry()
              continue
            }
            if (!claimed.result) {
              letGo(entry => entry === item)
              continue
            }
            const message = claimed.result
            attempt = 0
            settle(message)
            onDelivered(message)
          }
          catch (error) {
            // The browser signed in another account: the tab takes it, this item stays pending in
            // its writer's outbox; the account taken may have asked for a flush of its own meanwhile.
            if (error instanceof AccountChanged) break
            const failure = toApiErrorBody(error)
            if (isTransientFailure(failure)) {
              scheduleRetry(retryAfterMs(error))
              return
            }
            item.status = 'failed'
            item.error = describeApiError(failure)
            persist()
          }
        }
      } while (flushAgain)
    }
    finally {
      flushing = false
    }
  }

  /**
   * Sends now (after reconnecting, or coming back online), skipping any wait; uploads that
   * found no connection start again, and their messages go once they are up.
   */
  function resume() {
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    attempt = 0
    uploads.retryWaiting()
    void flush()
  }

  function retry(clientId: string) {
    const item = items.value.find(entry => entry.clientId === clientId)
    if (!item) return
    for (const key of item.uploads ?? []) uploads.retry(key)
    item.status = 'pending'
    item.error = null
    persist()
    resume()
  }

  function discard(clientId: string) {
    for (const key of items.value.find(item => item.clientId === clientId)?.uploads ?? []) uploads.cancel(key)
    letGo(item => item.clientId === clientId)
    persist()
  }

  /**
   * The person can no longer write in the chat (removed from it, or it was deleted): what
   * waits for it leaves the outbox, each message tried once. One the server stored before
   * (its answer lost) is answered with its original: sent. One refused with 403 (a public
   * channel left: "Join this channel first.") stays a failed message there, which joining
   * and Retry send. The rest were not sent: kept with `news` until the person copies or
   * closes them, and returned for the caller to say so (utils/realtime-frames.ts).
   */
  async function giveUpOn(chatId: string, news: string): Promise<NotSentNotice | null> {
    const taken = pendingIn(chatId)
    if (taken.length === 0) return null
    letGo(item => item.chatId === chatId)
    // Kept at once: a reload during the tries says them all rather than lose them.
    notSent.value.push({ id: newClientId(), news, words: taken.map(item => item.content) })
    const notice = notSent.value.at(-1)!
    persist()
    notices.save()
    const unsent: PendingMessage[] = []
    const refused: PendingMessage[] = []
    for (const item of taken) {
      // Files not uploaded yet cannot go with it.
      if (item.uploads?.length) unsent.push(item)
      else await post(item).then(() => {}, (error: unknown) => {
        const failure = toApiErrorBody(error)
        if (failure.statusCode !== 403) return void unsent.push(item)
        item.status = 'failed'
        item.error = describeApiError(failure)
        refused.push(item)
      })
    }
    for (const key of unsent.flatMap(item => item.uploads ?? [])) uploads.cancel(key)
    if (refused.length) {
      for (const item of refused) itemsLetGo.delete(item.clientId)
      items.value.push(...refused)
      persist()
    }
    notice.words = unsent.map(item => item.content)
    if (unsent.length === 0) notices.forget(notice.id)
    else notices.save()
    return unsent.length ? notice : null
  }

  /** Signing out: forget the in-memory queue (the stored one stays with its user). */
  function reset() {
    uploads.reset()
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    items.value = []
    notices.reset()
    storageKey = null
  }

  return { items, notSent, restore, setDeliveryHandler, pendingIn, enqueue, settle, flush, resume, retry, discard, giveUpOn, forgetNotSent: notices.forget, reset }
})
