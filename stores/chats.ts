import { defineStore } from 'pinia'
import type { Chat, ChatDetail, Message, Page } from '#shared/types/api'
import { useChatReads } from './chats/reads'
import { useChatMembers } from './chats/members'
import type { CreateChatInput, NotificationSettingsInput } from '#shared/schemas/chats'

/**
 * Muted: set to notify of nothing, or muted for a while that has not ended. By default
 * against the mute clock (utils/mute-clock.ts), so a computed that asks updates when
 * the mute ends; a decision made now (a notification) passes serverNow(). Both are the
 * server's time (utils/server-clock.ts), as the mute's end is.
 */
export function isMuted(chat: Pick<Chat, 'membership'>, now = muteClockNow()): boolean {
  const membership = chat.membership
  if (!membership) return false
  if (membership.notify === 'none') return true
  const until = membership.mutedUntil === null ? 0 : Date.parse(membership.mutedUntil)
  if (until <= now) return false
  tickMuteClockAt(until)
  return true
}

/** The viewer's chats, their members and read receipts, kept live by useRealtime. */
export const useChatsStore = defineStore('chats', () => {
  const api = useApi()
  const auth = useAuthStore()
  const presence = usePresenceStore()

  const byId = ref<Record<string, Chat>>({})
  const loaded = ref(false)
  const loading = ref(false)
  /** The chat on screen; its new messages are read as they arrive while visible. */
  const activeChatId = ref<string | null>(null)
  /** Read positions and receipts: stores/chats/reads.ts. */
  const { readSeqs, mentionsViewer, applyRead, markRead, readPastFilledGap, countOutDeleted, seenBy } = useChatReads(byId, fetchChat)
  /** Member lists and member actions: stores/chats/members.ts. */
  const { members, seedMembers, loadMembers, nextOwner, applyMemberAdded, applyMemberRemoved, applyUser, applyMemberRole, addMembers, removeMember, setMemberRole }
    = useChatMembers({ byId, upsert, remove, markLive, allPages, applyRead })

  /** The viewer's chats, most recent activity first (a channel only looked at is not one). */
  const list = computed(() => Object.values(byId.value).filter(chat => chat.membership !== null).sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt)))
  const totalMentions = computed(() => list.value.reduce((sum, chat) => sum + (chat.membership?.mentionCount ?? 0), 0))
  // A muted chat's unread messages do not count in the title's total.
  const totalUnread = computed(() => list.value.reduce((sum, chat) => sum + (isMuted(chat) ? 0 : chat.membership?.unreadCount ?? 0), 0))

  /**
   * Live events and fetches race: a chat or list fetched before an event can be answered
   * after it. Every live change ticks this clock and stamps its chat; what a fetch that
   * started earlier says does not undo it (a rename, a chat that arrived or went away).
   */
  let clock = 0
  let changedLiveAt: Record<string, number> = {}
  const changedSince = (chatId: string, tick: number) => (changedLiveAt[chatId] ?? 0) > tick
  function markLive(chatId: string) {
    changedLiveAt[chatId] = ++clock
  }

  /**
   * Stores a chat. Without `fetchedAt` it is live news (an event or an action's answer);
   * with it, the clock's tick when its request started.
   */
  function upsert(chat: Chat | ChatDetail, fetchedAt?: number): Chat {
    const { members: people, ...rest } = chat as ChatDetail
    if (people) seedMembers(chat, people)
    if (rest.peer) presence.seed(rest.peer)
    const held = byId.value[chat.id]
    // `chat.updated` goes to every member alike, without the viewer's own membership
    // (or peer): keep what we know. Leaving or removal arrive as their own events.
    const merged: Chat = { ...rest, membership: rest.membership ?? held?.membership ?? null, peer: rest.peer ?? held?.peer ?? null }
    // A chat object can also be older than what events already told us (lastSeq, unread).
    if (held && held.lastSeq > rest.lastSeq) {
      Object.assign(merged, { lastSeq: held.lastSeq, lastChangeSeq: held.lastChangeSeq, lastMessage: held.lastMessage, lastActivityAt: held.lastActivityAt, membership: held.membership })
    }
    // The read position only moves forward: an answer from before a read this tab made
    // (its own `read` answer fetched meanwhile) keeps the newer position and counts.
    else if (fetchedAt !== undefined && held?.membership && merged.membership && merged.membership.lastReadSeq < held.membership.lastReadSeq) merged.membership = held.membership
    if (fetchedAt === undefined) markLive(chat.id)
    else if (held && changedSince(chat.id, fetchedAt)) Object.assign(merged, { name: held.name, topic: held.topic, memberCount: held.memberCount })
    byId.value[chat.id] = merged
    return byId.value[chat.id]!
  }

  /** The chat is gone for the viewer (deleted, left, removed): live news too. */
  function remove(chatId: string) {
    markLive(chatId)
    forget(chatId)
  }

  function forget(chatId: string) {
    byId.value = omitKey(byId.value, chatId)
    members.value = omitKey(members.value, chatId)
    readSeqs.value = omitKey(readSeqs.value, chatId)
  }

  /** Every item of a cursor-paged list, in pages of 100. */
  async function allPages<T>(path: string): Promise<T[]> {
    const all: T[] = []
    let cursor: string | null = null
    do {
      const page: Page<T> = await api<Page<T>>(path, { query: { limit: 100, ...(cursor ? { cursor } : {}) } })
      all.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    return all
  }

  /** Loads every chat of the viewer, replacing what was held. */
  async function load() {
    loading.value = true
    const startedAt = clock
    try {
      const fresh = Object.fromEntries((await allPages<Chat>('/api/chats')).map(chat => [chat.id, chat]))
      // A chat that arrived or went away live while the list was on its way stays so; a
      // channel looked at before joining (no membership) is in no list and stays held.
      for (const [id, chat] of Object.entries(byId.value)) if (!fresh[id] && chat.membership && !changedSince(id, startedAt)) forget(id)
      for (const chat of Object.values(fresh)) if (byId.value[chat.id] || !changedSince(chat.id, startedAt)) upsert(chat, startedAt)
      loaded.value = true
    }
    finally {
      loading.value = false
    }
  }

  async function fetchChat(chatId: string): Promise<ChatDetail> {
    const startedAt = clock
    const chat = await api<ChatDetail>(`/api/chats/${chatId}`)
    if (byId.value[chatId] || !changedSince(chatId, startedAt)) upsert(chat, startedAt)
    return chat
  }

  /** A new message moves the chat up and, from someone else, counts as unread until read. */
  function applyMessage(message: Message) {
    const chat = byId.value[message.chatId]
    if (!chat) return
    const isNew = message.seq > chat.lastSeq
    chat.lastChangeSeq = Math.max(chat.lastChangeSeq, message.changeSeq)
    if (isNew) {
      chat.lastSeq = message.seq
      chat.lastMessage = message
      chat.lastActivityAt = message.createdAt > chat.lastActivityAt ? message.createdAt : chat.lastActivityAt
      if (chat.membership && message.sender.id !== auth.user?.id && !message.deletedAt && message.seq > chat.membership.lastReadSeq) {
        chat.membership.unreadCount += 1
        if (mentionsViewer(message)) {
          chat.membership.mentionSeqs = [...chat.membership.mentionSeqs, message.seq]
          chat.membership.mentionCount += 1
        }
      }
    }
    else if (chat.lastMessage?.id === message.id) {
      chat.lastMessage = message
    }
  }

  /** A deletion's first news: the chat's last message, and the unread counts (useChatReads). */
  function applyDeletion(deleted: Message) {
    applyMessage(deleted)
    countOutDeleted(deleted)
  }

  // Actions: the server's answer is the truth; on failure nothing local changed
  // (or the optimistic change is rolled back) and the error reaches the caller.

  async function create(body: CreateChatInput): Promise<Chat> {
    return upsert(await api<ChatDetail>('/api/chats', { method: 'POST', body }))
  }

  async function update(chatId: string, patch: { name?: string, topic?: string | null }) {
    const chat = byId.value[chatId]
    return withRollback(() => {
      if (!chat) return undefined
      const before = { name: chat.name, topic: chat.topic }
      Object.assign(chat, patch)
      return () => Object.assign(chat, before)
    }, async () => upsert(await api<Chat>(`/api/chats/${chatId}`, { method: 'PATCH', body: patch })))
  }

  async function destroy(chatId: string) {
    await api(`/api/chats/${chatId}`, { method: 'DELETE' })
    remove(chatId)
  }

  /** Chats this tab is leaving: the server's `member.removed` for each is no news here (useRealtime uses the mark up). */
  const leaving = new Set<string>()
  async function leave(chatId: string) {
    leaving.add(chatId)
    await api(`/api/chats/${chatId}/leave`, { method: 'POST' }).catch((error: unknown) => {
      leaving.delete(chatId)
      throw error
    })
    remove(chatId)
  }

  async function join(chatId: string) {
    return upsert(await api<Chat>(`/api/chats/${chatId}/join`, { method: 'POST' }))
  }

  /** Changes what the chat notifies the viewer of; the answer (and the event, in other tabs) applies it. */
  async function setNotifications(chatId: string, settings: NotificationSettingsInput) {
    upsert(await api<Chat>(`/api/chats/${chatId}/notifications`, { method: 'PUT', body: settings }))
  }

  function reset() {
    byId.value = {}
    members.value = {}
    readSeqs.value = {}
    changedLiveAt = {}
    loaded.value = false
    activeChatId.value = null
  }

  return {
    byId, members, readSeqs, loaded, loading, activeChatId, list, totalUnread, totalMentions, mentionsViewer, setNotifications,
    upsert, remove, load, fetchChat, loadMembers, applyMessage, applyDeletion, applyRead, applyMemberAdded, applyMemberRemoved, applyMemberRole, applyUser, markRead, readPastFilledGap,
    create, update, destroy, leaving, leave, join, nextOwner, addMembers, removeMember, setMemberRole, seenBy, reset,
  }
})
