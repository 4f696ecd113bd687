import type { Message } from '#shared/types/api'
import { mentionHighlights, NO_HIGHLIGHTS, type MentionHighlights } from '#shared/mentions'

/**
 * The `@names` of a stored message to highlight, from the server's `mentions` and
 * `mentionsAll` (docs/messages.md, "Mentions"): the people it names are matched by the ids
 * the client knows for them, the chat's members when loaded and the senders it holds.
 */
export function useMentionHighlights(message: () => Message) {
  const auth = useAuthStore()
  const chats = useChatsStore()
  const messages = useMessagesStore()

  return computed<MentionHighlights>(() => {
    const current = message()
    if (current.deletedAt || !current.content.includes('@')) return NO_HIGHLIGHTS
    let senders: Map<string, string> | null = null
    const idOf = (name: string) => {
      const member = chats.members[current.chatId]?.find(entry => entry.user.username.toLowerCase() === name)
      if (member) return member.user.id
      senders ??= new Map(messages.messagesOf(current.chatId).map(held => [held.sender.username.toLowerCase(), held.sender.id]))
      return senders.get(name)
    }
    return mentionHighlights({ ...current, edited: current.editedAt !== null }, auth.user, idOf)
  })
}
