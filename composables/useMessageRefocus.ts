/**
 * A request to the open conversation to show one of its messages again where the route
 * cannot ask for it: the search result the reader followed already (the same chat and
 * `around`), opened once more after they scrolled away. useConversation answers it.
 */
export function useMessageRefocus() {
  return useState<{ chatId: string, seq: number } | null>('message-refocus', () => null)
}
