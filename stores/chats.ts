import { defineStore } from 'pinia'
import type { Chat, ChatDetail, Member, MemberRole, Message, Page, User } from '#shared/types/api'
import { useChatReads } from './chat-reads'
import type { CreateChatInput, NotificationSettingsInput } from '#shared/schemas/chats'

/**
 * Muted: set to notify of nothing, or muted for a while that has not ended. By default
 * against the mute clock (utils/mute-clock.ts), so a computed that asks updates when
 * the mute ends; a decision made now (a notification) passes Date.now().
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
  const members = ref<Record<string, Member[]>>({})
  const loaded = ref(false)
  const loading = ref(false)
  /** The chat on screen; its new messages are read as they arrive while visible. */
  const activeChatId = ref<string | null>(null)
  /** Read positions and receipts: stores/chat-reads.ts. */
  const { readSeqs, mentionsViewer, applyRead, markRead, countOutDeleted, seenBy } = useChatReads(byId, fetchChat)

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

  /**
   * Stores a chat. Without `fetchedAt` it is live news (an event or an action's answer);
   * with it, the clock's tick when its request started.
   */
  function upsert(chat: Chat | ChatDetail, fetchedAt?: number): Chat {
    const { members: people, ...rest } = chat as ChatDetail
    if (people) {
      for (const user of people) presence.seed(user)
      const known = new Map((members.value[chat.id] ?? []).map(member => [member.user.id, member]))
      // Until the member list arrives: a placeholder role, and no read position (0) known.
      members.value[chat.id] = people.map(user => known.get(user.id) ?? { user, role: 'member', joinedAt: chat.createdAt, lastReadSeq: 0 })
    }
    if (rest.peer) presence.seed(rest.peer)
    const held = byId.value[chat.id]
    // `chat.updated` goes to every member alike, without the viewer's own membership
    // (or peer): keep what we know. Leaving or removal arrive as their own events.
    const merged: Chat = { ...rest, membership: rest.membership ?? held?.membership ?? null, peer: rest.peer ?? held?.peer ?? null }
    // A chat object can also be older than what events already told us (lastSeq, unread).
    if (held && held.lastSeq > rest.lastSeq) {
      Object.assign(merged, { lastSeq: held.lastSeq, lastChangeSeq: held.lastChangeSeq, lastMessage: held.lastMessage, lastActivityAt: held.lastActivityAt, membership: held.membership })
    }
    if (fetchedAt === undefined) changedLiveAt[chat.id] = ++clock
    else if (held && changedSince(chat.id, fetchedAt)) Object.assign(merged, { name: held.name, topic: held.topic, memberCount: held.memberCount })
    byId.value[chat.id] = merged
    return byId.value[chat.id]!
  }

  /** The chat is gone for the viewer (deleted, left, removed): live news too. */
  function remove(chatId: string) {
    changedLiveAt[chatId] = ++clock
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

  /** Bumped by every local change to a member list, so an older fetch does not overwrite it. */
  const membersEpoch: Record<string, number> = {}
  function touchMembers(chatId: string): number {
    membersEpoch[chatId] = (membersEpoch[chatId] ?? 0) + 1
    return membersEpoch[chatId]
  }

  async function loadMembers(chatId: string) {
    const epoch = touchMembers(chatId)
    const all = await allPages<Member>(`/api/chats/${chatId}/members`)
    // Read positions give "Seen" before any live receipt (and after a reload). They only
    // move forward, so even an answer older than the list held is safe to take them from.
    for (const member of all) applyRead(chatId, member.user.id, member.lastReadSeq)
    // A role change, removal or arrival since the request started is newer than this answer.
    if (membersEpoch[chatId] !== epoch) return members.value[chatId] ?? all
    for (const member of all) presence.seed(member.user)
    members.value[chatId] = all
    return all
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
        if (mentionsViewer(message)) chat.membership.mentionCount += 1
      }
    }
    else if (chat.lastMessage?.id === message.id) {
      chat.lastMessage = message
    }
  }

  /** A deletion's first news: the chat's last message, and the unread counts (useChatReads). */
  function applyDeletion(deleted: Message, original: Message | undefined) {
    applyMessage(deleted)
    countOutDeleted(deleted, original)
  }

  function applyMemberAdded(chatId: string, user: User, role: MemberRole) {
    presence.seed(user)
    touchMembers(chatId)
    changedLiveAt[chatId] = ++clock
    const chat = byId.value[chatId]
    const list = members.value[chatId]
    if (list && !list.some(member => member.user.id === user.id)) {
      list.push({ user, role, joinedAt: new Date().toISOString(), lastReadSeq: 0 })
      if (chat) chat.memberCount = Math.max(chat.memberCount, list.length)
    }
    else if (chat && !list) {
      chat.memberCount += 1
    }
  }

  function applyMemberRemoved(chatId: string, userId: string) {
    if (userId === auth.user?.id) {
      remove(chatId)
      return
    }
    touchMembers(chatId)
    changedLiveAt[chatId] = ++clock
    const list = members.value[chatId]
    if (list) members.value[chatId] = list.filter(member => member.user.id !== userId)
    const chat = byId.value[chatId]
    if (chat) chat.memberCount = Math.max(0, chat.memberCount - 1)
  }

  /** Someone's new display name (or role), in the direct chats with them and the member lists. */
  function applyUser(user: User) {
    for (const chat of Object.values(byId.value)) {
      if (chat.peer?.id === user.id) chat.peer = { ...chat.peer, displayName: user.displayName, role: user.role }
    }
    for (const list of Object.values(members.value)) {
      for (const member of list) if (member.user.id === user.id) member.user = { ...member.user, displayName: user.displayName, role: user.role }
    }
  }

  /** A role changed (made admin, or owner when the owner left): the viewer's own decides what they may do. */
  function applyMemberRole(chatId: string, userId: string, role: MemberRole) {
    touchMembers(chatId)
    const member = members.value[chatId]?.find(entry => entry.user.id === userId)
    if (member) member.role = role
    const membership = byId.value[chatId]?.membership
    if (userId === auth.user?.id && membership) membership.role = role
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

  async function addMembers(chatId: string, userIds: string[]) {
    const chat = upsert(await api<Chat>(`/api/chats/${chatId}/members`, { method: 'POST', body: { userIds } }))
    await loadMembers(chatId)
    return chat
  }

  async function removeMember(chatId: string, userId: string) {
    touchMembers(chatId)
    const held = members.value[chatId]
    await withRollback(() => {
      if (!held) return undefined
      members.value[chatId] = held.filter(member => member.user.id !== userId)
      return () => {
        members.value[chatId] = held
      }
    }, () => api(`/api/chats/${chatId}/members/${userId}`, { method: 'DELETE' }))
  }

  async function setMemberRole(chatId: string, userId: string, role: 'admin' | 'member') {
    touchMembers(chatId)
    const member = members.value[chatId]?.find(entry => entry.user.id === userId)
    await withRollback(() => {
      if (!member) return undefined
      const before = member.role
      member.role = role
      return () => {
        member.role = before
      }
    }, () => api(`/api/chats/${chatId}/members/${userId}`, { method: 'PATCH', body: { role } }))
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
    upsert, remove, load, fetchChat, loadMembers, applyMessage, applyDeletion, applyRead, applyMemberAdded, applyMemberRemoved, applyMemberRole, applyUser, markRead,
    create, update, destroy, leaving, leave, join, addMembers, removeMember, setMemberRole, seenBy, reset,
  }
})
