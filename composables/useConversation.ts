import { objectIdSchema } from '#shared/schemas/common'
import { managesChat } from '#shared/permissions'
import type { Chat, Message } from '#shared/types/api'
import type { ReadingPosition, SeqRange } from '~/composables/useScrollAnchor'

/** What the conversation asks of its message list. */
export interface MessageListHandle {
  scrollToSeq: (seq: number) => boolean
  scrollToBottom: () => void
  readingPosition: () => ReadingPosition | null
}

/**
 * One open chat: loads it (and its history) whenever `chatId` or `around` changes,
 * tells "missing" when it is gone, and offers what the conversation's parts need:
 * the held messages and pending ones, names, the "Seen" label, the typing line, the
 * reply/edit target, jumping to a message or to the latest, sending, saving an edit,
 * reacting and joining. Failures go to the snackbar (`useAction`).
 * Proven by the e2e suite (tests/e2e/chat-*.spec.ts).
 */
export function useConversation(source: { readonly chatId: string, readonly around: number | null }, list: Readonly<Ref<MessageListHandle | null>>) {
  const auth = useAuthStore()
  const chats = useChatsStore()
  const messages = useMessagesStore()
  const outbox = useOutboxStore()
  const presence = usePresenceStore()
  const snackbar = useSnackbarStore()
  const router = useRouter()

  const state = ref<'loading' | 'ready' | 'missing' | 'failed'>('loading')
  /** Why the chat could not be loaded (state `failed`), in the words of the snackbar. */
  const loadFailure = ref<string | null>(null)
  const unreadAfterSeq = ref<number | null>(null)
  /** "Jump to next mention" looks after this seq: where the chat opened, then the last one jumped to. */
  const mentionCursor = ref(0)
  /** Mentions of the viewer that have been on screen: nothing to jump to. */
  const mentionsShown = ref(new Set<number>())
  const focusSeq = ref<number | null>(null)
  const { restoreAt, opening } = useReadingPosition(list)
  /** The reader chose "Jump to latest" (or sent) over unread messages not loaded: those count read. */
  const skippedUnread = ref(false)

  const chat = computed<Chat | undefined>(() => chats.byId[source.chatId])
  const viewerId = computed(() => auth.user?.id ?? null)
  const window = computed(() => messages.windows[source.chatId])
  const held = computed(() => messages.messagesOf(source.chatId))
  const pending = computed(() => outbox.pendingIn(source.chatId))
  const joined = computed(() => !!chat.value?.membership)
  const canModerate = computed(() => auth.user?.role === 'admin' || managesChat(chat.value?.membership?.role))
  const typingLine = computed(() => typingSentence(presence.typingIn(source.chatId).filter(id => id !== viewerId.value).map(nameOf)))
  // What the composer replies to or edits (composables/useComposeTargets.ts).
  const { replyTo, editing, unsavedEdit, save, startReply, startEdit, editLastOwn, cancelCompose, clearReply, switchChat } = useComposeTargets(() => source.chatId, held, viewerId)

  /** The names the held messages carry: a channel's member list is never loaded whole. */
  const heldSenderNames = computed(() => new Map(held.value.map(message => [message.sender.id, message.sender.displayName])))

  function nameOf(userId: string): string {
    if (userId === viewerId.value) return 'You'
    const member = chats.members[source.chatId]?.find(entry => entry.user.id === userId)
    return member?.user.displayName ?? presence.names[userId] ?? heldSenderNames.value.get(userId) ?? chat.value?.peer?.displayName ?? 'Someone'
  }

  function seenLabel(seq: number): string | null {
    const current = chat.value
    if (!current || current.type === 'channel') return null
    const readers = chats.seenBy(source.chatId, seq)
    if (readers.length === 0) return null
    if (current.type === 'direct') return 'Seen'
    return readers.length <= 3 ? `Seen by ${readers.map(reader => isolate(nameOf(reader))).join(', ')}` : `Seen by ${readers.length}`
  }

  async function open(chatId: string, around: number | null) {
    // Back or Forward to the chat's history entry returns where the reader was (useReadingPosition).
    const kept = opening(chatId)
    state.value = 'loading'
    chats.activeChatId = chatId
    // An edit ends; the chat's draft brings back the reply it was (useComposeTargets).
    switchChat()
    focusSeq.value = kept ? null : around
    loadFailure.value = null
    // A link whose id cannot be a chat's names none: nothing to ask the server.
    if (!objectIdSchema.safeParse(chatId).success) {
      state.value = 'missing'
      return
    }
    try {
      const detail = await chats.fetchChat(chatId)
      if (chatId !== source.chatId) return
      const membership = detail.membership
      unreadAfterSeq.value = membership && membership.unreadCount > 0 ? membership.lastReadSeq : null
      // Every unread mention after the read position, and any arriving later, is offered.
      mentionCursor.value = membership?.lastReadSeq ?? 0
      mentionsShown.value = new Set()
      // Roles, presence and read positions of the people here (a channel's may be many).
      if (detail.type !== 'channel') void chats.loadMembers(chatId).catch(() => {})
      skippedUnread.value = false
      // A held history is live already; a search result loads the page around it. Unread
      // messages open at the first of them: the latest page of a chat with more unread than
      // a page held none of the first ones, and the divider, the view and the read report
      // started partway through (the ones above were counted read unseen).
      const firstUnread = membership && membership.unreadCount > 0 ? membership.lastReadSeq + 1 : null
      if (kept) {
        if (!messages.holds(chatId, kept.seq)) await messages.open(chatId, kept.seq)
        if (chatId === source.chatId) state.value = 'ready'
        return
      }
      const opensAt = around ?? (firstUnread !== null && !messages.holds(chatId, firstUnread) ? firstUnread : null)
      // With nothing unread the chat opens at its end, which the held history must reach: the
      // page a search result or a message link left (more after it) was taken for the end, the
      // view stood in old messages and what came next stayed unread below them
      // (tests/e2e/chat-message-links.spec.ts).
      const heldReachesEnd = messages.isLoaded(chatId) && !messages.windows[chatId]!.hasMoreAfter
      if (opensAt !== null || !messages.isLoaded(chatId) || (firstUnread === null && !heldReachesEnd)) await messages.open(chatId, opensAt)
      if (chatId === source.chatId) state.value = 'ready'
    }
    catch (error) {
      if (chatId !== source.chatId) return
      if (toApiErrorBody(error).statusCode === 404) {
        state.value = 'missing'
        chats.remove(chatId)
      }
      else if (!chat.value || !messages.isLoaded(chatId)) {
        // No history held to show instead (a chat of the list opened offline has only its
        // name): say so where the messages would be, with a retry; the connection's return
        // retries by itself (below).
        loadFailure.value = failureText(error)
        state.value = 'failed'
      }
      else {
        snackbar.notifyError(error)
        state.value = 'ready'
      }
    }
  }

  // What arrives while the reader is away (the tab hidden, or the socket down: the catch-up
  // after it) is new to them on their return: the unread divider moves to where they last
  // read, unless one below that is still unread.
  watch(() => held.value.at(-1)?.seq, (lastSeq, previousSeq) => {
    const membership = chat.value?.membership
    if (!membership || lastSeq === undefined || previousSeq === undefined || lastSeq <= previousSeq || !messages.arrivedWhileAway(source.chatId, lastSeq)) return
    if (unreadAfterSeq.value === null || unreadAfterSeq.value < membership.lastReadSeq) unreadAfterSeq.value = membership.lastReadSeq
  })

  function retryOpen() {
    void open(source.chatId, source.around)
  }

  // Back online (the socket's `ready`), a chat that could not be loaded tries again.
  const { status: connection } = useRealtime()
  watch(connection, (now) => {
    if (now === 'open' && state.value === 'failed') retryOpen()
  })

  watchChannelPreview(() => state.value === 'ready' && chat.value?.type === 'channel' && !joined.value && connection.value === 'open' ? source.chatId : null)

  /** The chat whose `around` Jump to latest is taking out of the address: its latest page is open already. */
  let leavingAround: string | null = null
  watch(() => [source.chatId, source.around] as const, ([chatId, around]) => {
    if (around !== null || leavingAround !== chatId) void open(chatId, around)
    leavingAround = null
  }, { immediate: true })
  onBeforeUnmount(() => {
    if (chats.activeChatId === source.chatId) chats.activeChatId = null
  })

  function onRead(onScreen: SeqRange) {
    if (joined.value) void chats.markRead(source.chatId, onScreen.to, { overUnloaded: skippedUnread.value })
    for (const message of held.value) {
      if (message.seq >= onScreen.from && message.seq <= onScreen.to && chats.mentionsViewer(message)) mentionsShown.value.add(message.seq)
    }
  }

  const { run: jumpTo } = useAction(async (seq: number) => {
    // A jump is the reader's next place: the position kept from Back is spent.
    restoreAt.value = null
    focusSeq.value = seq
    if (list.value?.scrollToSeq(seq)) return
    await messages.open(source.chatId, seq)
    await nextTick()
    list.value?.scrollToSeq(seq)
  })

  // The search result opened once more (useMessageRefocus): no new route to open it.
  watch(useMessageRefocus(), (request) => {
    if (request?.chatId === source.chatId) void jumpTo(request.seq)
  })

  /**
   * The seq of the next unread mention after the last one jumped to, not yet on screen. The
   * chat's unread mention seqs name them all, loaded or not (a long backlog, one arriving
   * while the reader is scrolled up): `jumpTo` loads the page around one not held.
   */
  const nextMention = computed(() => {
    const after = mentionCursor.value
    return chat.value?.membership?.mentionSeqs.find(seq => seq > after && !mentionsShown.value.has(seq)) ?? null
  })

  function jumpToNextMention() {
    const seq = nextMention.value
    if (seq === null) return
    mentionCursor.value = seq
    void jumpTo(seq)
  }

  const { run: jumpToLatest } = useAction(async () => {
    restoreAt.value = null
    focusSeq.value = null
    // Skipping to the end is the reader's choice, as in the chat apps people know: what is
    // read there counts the messages passed over read.
    skippedUnread.value = true
    await messages.open(source.chatId)
    await nextTick()
    list.value?.scrollToBottom()
    // The address is the chat's own again, in place of the link's: a reload or a copied link
    // went back to the old message (tests/e2e/chat-message-links.spec.ts).
    if (source.around !== null) {
      leavingAround = source.chatId
      await router.replace({ path: `/chats/${source.chatId}` })
      await nextTick()
      leavingAround = null
    }
  })

  async function send(content: string, uploadKeys: string[] = []) {
    // Taken before any wait: the draft is spent at once, the reply with it.
    const replyToId = replyTo.value?.id ?? null
    clearReply()
    if (window.value?.hasMoreAfter) await jumpToLatest()
    outbox.enqueue(source.chatId, content, replyToId, uploadKeys)
  }

  const { run: react } = useAction((message: Message, emoji: string) => messages.toggleReaction(message, emoji))

  const { busy: joining, run: join } = useAction(async () => {
    await chats.join(source.chatId)
    // Joined from a message link, the person stays on its message: the latest page in its
    // place left the view partway through it (tests/e2e/chat-message-links.spec.ts).
    const linked = focusSeq.value
    await messages.open(source.chatId, linked)
    if (linked === null) return
    await nextTick()
    list.value?.scrollToSeq(linked)
  })

  return {
    state, loadFailure, retryOpen, chat, viewerId, window, held, pending, joined, canModerate, typingLine, unreadAfterSeq, focusSeq, restoreAt,
    replyTo, editing, unsavedEdit, nameOf, seenLabel, onRead, jumpTo, jumpToLatest, send, save, react, joining, join,
    startReply, startEdit, editLastOwn, cancelCompose, nextMention, jumpToNextMention,
  }
}
