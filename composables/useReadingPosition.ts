import type { ReadingPosition } from '~/composables/useScrollAnchor'
import type { MessageListHandle } from '~/composables/useConversation'

/**
 * Each chat's reading position (the first message on screen and its offset), kept per
 * browser history entry as the chat is left: Back or Forward to the entry returns the
 * reader there, as Slack and Element keep each chat's place; a chat opened anew (the chat
 * list, a link, a search result) opens as before: the focused message, the unread divider
 * or the end (docs/ui.md, "Back to a chat"; tests/e2e/chat-history.spec.ts, "Back or
 * Forward to a chat...").
 */
export function useReadingPosition(list: Readonly<Ref<MessageListHandle | null>>) {
  /** Where to place the view of the chat being opened, or null to open it as a new visit does. */
  const restoreAt = ref<ReadingPosition | null>(null)
  let keep: ((position: ReadingPosition) => void) | null = null

  function keepShown() {
    const position = list.value?.readingPosition()
    if (keep && position) keep(position)
  }

  /** A chat opens (the one left still on screen keeps its position): where it was left, on Back/Forward. */
  function opening(chatId: string): ReadingPosition | null {
    keepShown()
    const memory = useHistoryEntryMemory<ReadingPosition>(`chat ${chatId}`)
    keep = memory.keep
    restoreAt.value = memory.restored ?? null
    return restoreAt.value
  }

  onBeforeUnmount(keepShown)
  return { restoreAt, opening }
}
