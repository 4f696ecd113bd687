import { mergeList, readList } from './outbox-storage'

const NOT_SENT_PREFIX = 'parley:not-sent:'

/** Messages a chat the person lost never took: what they were told, and the words to copy. */
export interface NotSentNotice {
  id: string
  /** Why the chat is gone ("You are no longer a member of Hiking crew."). */
  news: string
  words: string[]
}

const isNotice = (notice: NotSentNotice) => typeof notice.news === 'string' && Array.isArray(notice.words)

/**
 * The outbox's not-sent notices (stores/outbox.ts, giveUpOn): kept in the browser until
 * copied or closed, so a reload says them again (docs/ui.md), and merged with another tab's
 * as the outbox's own list is (stores/outbox-storage.ts).
 */
export function useNotSentNotices() {
  const notices = ref<NotSentNotice[]>([])
  let storageKey: string | null = null
  /** What this tab took out of the stored list (another tab of the person keeps its own). */
  let letGo = new Set<string>()

  function save() {
    mergeList(storageKey, notices.value, letGo, notice => notice.id, isNotice)
  }

  function restore(userId: string) {
    storageKey = `${NOT_SENT_PREFIX}${userId}`
    letGo = new Set()
    notices.value = readList(storageKey, isNotice)
  }

  /** The person copied (or closed) a notice: its words are let go. */
  function forget(id: string) {
    letGo.add(id)
    notices.value = notices.value.filter(notice => notice.id !== id)
    save()
  }

  /** Signing out: forget them in memory (the stored ones stay with their user). */
  function reset() {
    notices.value = []
    storageKey = null
  }

  return { notices, save, restore, forget, reset }
}
