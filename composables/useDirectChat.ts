/**
 * Opens the direct chat with a person, creating it on first contact (the people
 * directory's Message button, a member's Message action). `opening` is the person whose
 * chat is on its way, for that button's spinner; a failure goes to the snackbar.
 */
export function useDirectChat() {
  const chats = useChatsStore()
  const { busyWith: opening, run: openWith } = useAction(async (userId: string) => {
    const chat = await chats.create({ type: 'direct', userId })
    await navigateTo(`/chats/${chat.id}`)
  })
  return { opening, openWith }
}
