import { useLocalStorage } from '@vueuse/core'

/** Unsent text per chat, kept in the browser so switching chats or reloading keeps it. */
export function useChatDrafts() {
  const drafts = useLocalStorage<Record<string, string>>('parley:drafts', {})

  function get(chatId: string): string {
    return drafts.value[chatId] ?? ''
  }

  function set(chatId: string, text: string) {
    if (text) drafts.value = { ...drafts.value, [chatId]: text }
    else if (chatId in drafts.value) {
      const { [chatId]: _, ...rest } = drafts.value
      drafts.value = rest
    }
  }

  return { get, set }
}
