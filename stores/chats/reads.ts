import type { Chat, Message } from '#shared/types/api'

/**
 * Read positions, a part of the chats store (stores/chats.ts builds it with the chats it
 * holds): the viewer's own (unread and mention counts, the receipts sent) and other
 * people's (read receipts for "Seen").
 */
export function useChatReads(byId: Ref<Record<string, Chat>>, fetchChat: (chatId: string) => Promise<unknown>) {
  const api = useApi()
  const auth = useAuthStore()

  /** Other people's read positions: chatId -> userId -> seq (from `read` events). */
  const readSeqs = ref<Record<string, Record<string, number>>>({})
  /** Highest seq already sent per chat, so scrolling does not repeat the same request. */
  const readSent: Record<string, number> = {}

  /** The message names the viewer, or addresses the whole chat (never their own). */
  function mentionsViewer(message: Message): boolean {
    const viewerId = auth.user?.id
    return !!viewerId && message.sender.id !== viewerId && !message.deletedAt && (message.mentionsAll || message.mentions.includes(viewerId))
  }

  /** The held history reaches the chat's end: this tab can count what is after a seq. */
  function holdsTheEnd(chatId: string): boolean {
    const window = useMessagesStore().windows[chatId]
    return !!window && !window.hasMoreAfter
  }

  /** Held messages after `seq` that `counts` (meaningful when the held history reaches the end). */
  function countHeldAfter(chatId: string, seq: number, counts: (message: Message) => boolean): number {
    return useMessagesStore().messagesOf(chatId).filter(message => message.seq > seq && counts(message)).length
  }

  const isUnread = (message: Message) => message.sender.id !== auth.user?.id && !message.deletedAt

  /** Records a read position: the viewer's own (any tab) or someone else's receipt. */
  function applyRead(chatId: string, userId: string, seq: number) {
    if (userId !== auth.user?.id) {
      const forChat = (readSeqs.value[chatId] ??= {})
      forChat[userId] = Math.max(forChat[userId] ?? 0, seq)
      return
    }
    const chat = byId.value[chatId]
    if (!chat?.membership || seq <= chat.membership.lastReadSeq) return
    chat.membership.lastReadSeq = seq
    if (seq >= chat.lastSeq) Object.assign(chat.membership, { unreadCount: 0, mentionCount: 0, mentionSeqs: [] })
    else void fetchChat(chatId).catch(() => {})
  }

  /** Reads held back at a gap: chatId -> the last seq that was on screen past it. */
  const heldBackAt = new Map<string, number>()

  /**
   * The messages of a gap came (a catch-up, their events) into the chat on screen: what was
   * on screen past the gap is read now, as the list reports nothing when messages land
   * above its last one.
   */
  function readPastFilledGap(chatId: string) {
    const onScreenTo = heldBackAt.get(chatId)
    if (onScreenTo === undefined || document.visibilityState !== 'visible') return
    void markRead(chatId, onScreenTo)
  }

  /**
   * Marks the viewer's chat read up to what is on screen (optimistically; the server caps and
   * confirms). `overUnloaded`: the reader skipped the unread messages not loaded ("Jump to
   * latest"), which count read.
   */
  async function markRead(chatId: string, onScreenTo: number, options: { overUnloaded?: boolean } = {}) {
    const messages = useMessagesStore()
    // Never past a message not shown: one held past a gap (the answer to a send made while
    // the socket was down) is on screen before the messages it follows, which come with the
    // catch-up; read past them, their sender would be told "Seen".
    const seq = Math.min(onScreenTo, messages.shownThrough(chatId) ?? onScreenTo)
    if (seq < onScreenTo) heldBackAt.set(chatId, Math.max(heldBackAt.get(chatId) ?? 0, onScreenTo))
    else heldBackAt.delete(chatId)
    const chat = byId.value[chatId]
    if (!chat?.membership || seq <= chat.membership.lastReadSeq || seq <= (readSent[chatId] ?? 0)) return
    // Nor over the unread messages between the read position and the held run (a chat opened
    // at a search result): they were never on screen. Scrolling up loads them, and reads on.
    const firstHeld = messages.firstHeldSeq(chatId)
    if (!options.overUnloaded && firstHeld !== null && firstHeld > chat.membership.lastReadSeq + 1) return
    readSent[chatId] = seq
    const membership = chat.membership
    // Past the held history (a long backlog read from its start) this tab cannot count what
    // is left: the server's counts come once it has the read. Its `read` echo is no news
    // here (the position is already this one), so the counts are fetched, as other tabs do.
    const countsHere = seq >= chat.lastSeq || holdsTheEnd(chatId)
    await withRollback(() => {
      const before = { ...membership }
      membership.lastReadSeq = seq
      // The unread mentions' seqs are known: those read go at once, wherever they are.
      membership.mentionSeqs = membership.mentionSeqs.filter(mentioned => mentioned > seq)
      membership.mentionCount = membership.mentionSeqs.length
      if (countsHere) membership.unreadCount = seq >= chat.lastSeq ? 0 : countHeldAfter(chatId, seq, isUnread)
      return () => {
        if (membership.lastReadSeq === seq) Object.assign(membership, before)
      }
    }, () => api(`/api/chats/${chatId}/read`, { method: 'POST', body: { seq } })).then(() => {
      if (!countsHere) void fetchChat(chatId).catch(() => {})
    }, () => {
      // Reading is retried by the next scroll or message; a lost receipt is no error for the user.
      readSent[chatId] = 0
    })
  }

  /**
   * A message deleted while unread no longer counts, as the server counts it. Given only
   * the first news of a deletion: a deleted message carries no mentions, but the unread
   * mentions' seqs tell whether it was one.
   */
  function countOutDeleted(deleted: Message) {
    const membership = byId.value[deleted.chatId]?.membership
    if (!membership || deleted.sender.id === auth.user?.id || deleted.seq <= membership.lastReadSeq) return
    membership.unreadCount = Math.max(0, membership.unreadCount - 1)
    membership.mentionSeqs = membership.mentionSeqs.filter(mentioned => mentioned !== deleted.seq)
    membership.mentionCount = membership.mentionSeqs.length
  }

  /** Who has read up to `seq` in a chat (other people only). */
  function seenBy(chatId: string, seq: number): string[] {
    const forChat = readSeqs.value[chatId] ?? {}
    return Object.entries(forChat).filter(([, read]) => read >= seq).map(([userId]) => userId)
  }

  return { readSeqs, mentionsViewer, applyRead, markRead, readPastFilledGap, countOutDeleted, seenBy }
}
