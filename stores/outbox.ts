import { defineStore } from 'pinia'
import type { Message } from '#shared/types/api'
import { isUploaded } from './uploads'

const STORAGE_PREFIX = 'parley:outbox:'
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000]

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
  let storageKey: string | null = null
  let flushing = false
  let flushAgain = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let attempt = 0
  /** Called with each confirmed message (wired by useRealtime to the other stores). */
  let onDelivered: (message: Message) => void = () => {}

  function persist() {
    if (!storageKey || typeof localStorage === 'undefined') return
    if (items.value.length === 0) localStorage.removeItem(storageKey)
    else localStorage.setItem(storageKey, JSON.stringify(items.value))
  }

  /** Loads the signed-in user's outbox from the browser. */
  function restore(userId: string) {
    storageKey = `${STORAGE_PREFIX}${userId}`
    try {
      const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(storageKey)
      const parsed: unknown = raw ? JSON.parse(raw) : []
      items.value = Array.isArray(parsed) ? (parsed as PendingMessage[]).filter(item => item && typeof item.clientId === 'string' && typeof item.chatId === 'string') : []
    }
    catch {
      items.value = []
    }
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
    const item: PendingMessage = { clientId: newClientId(), chatId, content, replyToId, createdAt: new Date().toISOString(), status: 'pending', error: null, uploads: uploadKeys, attachments: [] }
    items.value.push(item)
    persist()
    void flush()
    return item
  }

  /** The server confirmed a message (by HTTP answer or its own event): it leaves the outbox. */
  function settle(message: Message) {
    if (!message.clientId || message.sender.id !== auth.user?.id) return
    const before = items.value.length
    items.value = items.value.filter(item => !(item.clientId === message.clientId && item.chatId === message.chatId))
    if (items.value.length !== before) persist()
  }

  /**
   * Once all the item's uploads are done, moves them into its attachments in the order
   * attached: 'ready' when none is left, 'waiting' while some still upload, 'failed' when
   * one failed or is gone (a reload loses the bytes of unfinished uploads).
   */
  function collectUploads(item: PendingMessage): 'ready' | 'waiting' | 'failed' {
    const keys = item.uploads ?? []
    if (keys.length === 0) return 'ready'
    const pending = keys.map(key => uploads.byKey[key])
    const lost = pending.find(upload => upload?.status !== 'done' && upload?.status !== 'uploading')
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
      void flush()
    }, delay)
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
        for (const item of [...items.value]) {
          if (item.status !== 'pending' || !items.value.includes(item)) continue
          const files = collectUploads(item)
          if (files === 'waiting') continue
          if (files === 'failed') {
            item.status = 'failed'
            persist()
            continue
          }
          try {
            const message = await api<Message>(`/api/chats/${item.chatId}/messages`, {
              method: 'POST',
              body: {
                content: item.content,
                clientId: item.clientId,
                ...(item.replyToId ? { replyToId: item.replyToId } : {}),
                ...(item.attachments?.length ? { attachments: item.attachments.map(attachment => attachment.id) } : {}),
              },
            })
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

  /** Sends now (after reconnecting, or coming back online), skipping any wait. */
  function resume() {
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    attempt = 0
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
    items.value = items.value.filter(item => item.clientId !== clientId)
    persist()
  }

  /**
   * The person can no longer write in the chat (removed from it, or it was deleted): what
   * waits for it leaves the outbox, handed to the caller to say so (utils/realtime-frames.ts).
   */
  function takeFrom(chatId: string): PendingMessage[] {
    const taken = pendingIn(chatId)
    if (taken.length === 0) return taken
    for (const key of taken.flatMap(item => item.uploads ?? [])) uploads.cancel(key)
    items.value = items.value.filter(item => item.chatId !== chatId)
    persist()
    return taken
  }

  /** Signing out: forget the in-memory queue (the stored one stays with its user). */
  function reset() {
    uploads.reset()
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    items.value = []
    storageKey = null
  }

  return { items, restore, setDeliveryHandler, pendingIn, enqueue, settle, flush, resume, retry, discard, takeFrom, reset }
})
