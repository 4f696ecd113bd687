import type { Message } from '#shared/types/api'

/**
 * The message the composer replies to or edits in a conversation (useConversation), and the
 * words of an edit that could not be saved. The messages are kept as chosen and shown as
 * their held version (`replyTo`, `editing`), which follows an edit or a deletion made
 * meanwhile: a snapshot had kept deleted words in the reply bar, and an edit saved from one
 * put a deleted message back.
 * The reply is part of the chat's draft (useChatDrafts): it comes back with the words on
 * returning to the chat and after a reload, and goes when the draft is sent, the reply
 * cancelled or its message deleted. An edit is not a draft: it ends when the chat changes,
 * and the reply kept in the draft comes back when it ends (docs/ui.md, "A reply is part of
 * the draft").
 */
export function useComposeTargets(chatId: () => string, held: Readonly<Ref<Message[]>>, viewerId: Readonly<Ref<string | null>>) {
  const messages = useMessagesStore()
  const snackbar = useSnackbarStore()
  const drafts = useChatDrafts()
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
    restoreReply()
  })

  // The same for the message replied to (now, or while the draft waited in another chat or
  // over a reload): a reply to nothing has no quote and mentions nobody, so the draft drops
  // it, keeps its words, and says why the bar went.
  watch(() => replyTarget.value && messages.isDeleted(replyTarget.value.chatId, replyTarget.value.id), (deleted) => {
    if (!deleted || !replyTarget.value) return
    drafts.setReply(replyTarget.value.chatId, null)
    replyTarget.value = null
    snackbar.notify('The message you were replying to was deleted.', { color: 'warning' })
  })

  const { run: saveEdit } = useAction(async (message: Message, content: string, replyAfterSave: Message | null) => {
    try {
      await messages.edit(message, content)
    }
    catch (error) {
      // 409: deleted meanwhile (the news not here yet): nothing left to save to, the
      // server's answer says so.
      if (toApiErrorBody(error).statusCode !== 409) reopenUnsavedEdit(message, content, replyAfterSave)
      throw error
    }
  })

  /** A failed edit reopens with the person's words, unless they went on to another edit or a reply. */
  function reopenUnsavedEdit(message: Message, content: string, replyAfterSave: Message | null) {
    const current = held.value.find(entry => entry.id === message.id)
    if (message.chatId !== chatId() || !current || current.deletedAt || editTarget.value || replyTarget.value !== replyAfterSave) return
    unsavedEdit.value = content
    editTarget.value = current
    replyTarget.value = null
  }

  async function save(message: Message, content: string) {
    endEdit()
    if (content !== message.content) await saveEdit(message, content, replyTarget.value)
  }

  function startReply(message: Message) {
    endEdit()
    replyTarget.value = message
    drafts.setReply(chatId(), message)
  }

  /** The edit borrows the composer: the draft's reply waits in the draft meanwhile. */
  function startEdit(message: Message) {
    endEdit()
    replyTarget.value = null
    editTarget.value = message
  }

  function endEdit() {
    if (!editTarget.value && !unsavedEdit.value) return
    editTarget.value = null
    unsavedEdit.value = null
    restoreReply()
  }

  // Kept in the browser: read once mounted, so that hydration meets the markup the server made.
  let mounted = false
  onMounted(() => {
    mounted = true
    if (!editTarget.value) restoreReply()
  })

  function restoreReply() {
    replyTarget.value = mounted ? drafts.getReply(chatId()) : null
  }

  /** Another chat opens (or another account signs in): an edit ends, the chat's draft brings its reply back. */
  function switchChat() {
    editTarget.value = null
    unsavedEdit.value = null
    restoreReply()
  }
  watch(viewerId, switchChat)

  /** Up in an empty composer edits the viewer's latest message with text, as in the chat apps people know. */
  function editLastOwn() {
    const own = [...held.value].reverse().find(message => message.sender.id === viewerId.value && !message.deletedAt && message.content)
    if (own) startEdit(own)
  }

  /** Escape or the bar's close button: ends the edit, else cancels the reply (in the draft too). */
  function cancelCompose() {
    if (editTarget.value || unsavedEdit.value) {
      endEdit()
      return
    }
    clearReply()
  }

  /** The reply was sent (or cancelled): the draft replies to nothing any more. */
  function clearReply() {
    replyTarget.value = null
    drafts.setReply(chatId(), null)
  }

  return { replyTo, editing, unsavedEdit, save, startReply, startEdit, editLastOwn, cancelCompose, clearReply, switchChat }
}
