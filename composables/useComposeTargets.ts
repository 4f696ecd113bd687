import type { Message } from '#shared/types/api'

/**
 * The message the composer replies to or edits in a conversation (useConversation), and the
 * words of an edit that could not be saved. The messages are kept as chosen and shown as
 * their held version (`replyTo`, `editing`), which follows an edit or a deletion made
 * meanwhile: a snapshot had kept deleted words in the reply bar, and an edit saved from one
 * put a deleted message back.
 */
export function useComposeTargets(chatId: () => string, held: Readonly<Ref<Message[]>>, viewerId: Readonly<Ref<string | null>>) {
  const messages = useMessagesStore()
  const snackbar = useSnackbarStore()
  const replyTarget = shallowRef<Message | null>(null)
  const editTarget = shallowRef<Message | null>(null)
  const replyTo = computed(() => replyTarget.value && messages.heldVersion(replyTarget.value))
  const editing = computed(() => editTarget.value && messages.heldVersion(editTarget.value))
  /** The words of an edit that could not be saved (offline, a server error), back in the composer to try again. */
  const unsavedEdit = ref<string | null>(null)

  // The message being edited is deleted (by a moderator, in another tab): the edit ends at
  // once, and says why, rather than waiting for the save to fail.
  watch(() => editTarget.value && messages.isDeleted(editTarget.value.chatId, editTarget.value.id), (deleted) => {
    if (!deleted) return
    editTarget.value = null
    unsavedEdit.value = null
    snackbar.notify('The message you were editing was deleted.', { color: 'warning' })
  })

  const { run: saveEdit } = useAction(async (message: Message, content: string) => {
    try {
      await messages.edit(message, content)
    }
    catch (error) {
      // 409: deleted meanwhile (the news not here yet): nothing left to save to, the
      // server's answer says so.
      if (toApiErrorBody(error).statusCode !== 409) reopenUnsavedEdit(message, content)
      throw error
    }
  })

  /** A failed edit reopens with the person's words, unless they went on to another edit or a reply. */
  function reopenUnsavedEdit(message: Message, content: string) {
    const current = held.value.find(entry => entry.id === message.id)
    if (message.chatId !== chatId() || !current || current.deletedAt || editTarget.value || replyTarget.value) return
    unsavedEdit.value = content
    editTarget.value = current
  }

  async function save(message: Message, content: string) {
    cancelCompose()
    if (content !== message.content) await saveEdit(message, content)
  }

  function startReply(message: Message) {
    cancelCompose()
    replyTarget.value = message
  }

  function startEdit(message: Message) {
    cancelCompose()
    editTarget.value = message
  }

  /** Up in an empty composer edits the viewer's latest message with text, as in the chat apps people know. */
  function editLastOwn() {
    const own = [...held.value].reverse().find(message => message.sender.id === viewerId.value && !message.deletedAt && message.content)
    if (own) startEdit(own)
  }

  function cancelCompose() {
    replyTarget.value = null
    editTarget.value = null
    unsavedEdit.value = null
  }

  function clearReply() {
    replyTarget.value = null
  }

  return { replyTo, editing, unsavedEdit, save, startReply, startEdit, editLastOwn, cancelCompose, clearReply }
}
