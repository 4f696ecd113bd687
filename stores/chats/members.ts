import type { Chat, ChatDetail, Member, MemberRole, User } from '#shared/types/api'

/** What the members part needs of the chats store that builds it. */
export interface ChatMembersHost {
  byId: Ref<Record<string, Chat>>
  /** Stores a chat as live news (an action's answer). */
  upsert: (chat: Chat | ChatDetail) => Chat
  /** The chat is gone for the viewer. */
  remove: (chatId: string) => void
  /** Stamps a live change to the chat, so an older fetch does not undo it. */
  markLive: (chatId: string) => void
  /** Every item of a cursor-paged list. */
  allPages: <T>(path: string) => Promise<T[]>
  applyRead: (chatId: string, userId: string, seq: number) => void
}

/**
 * Member lists, a part of the chats store (stores/chats.ts builds it, as it does
 * stores/chats/reads.ts): who is in each chat and with what role, the live member events,
 * and the member actions (add, remove, make admin).
 */
export function useChatMembers(host: ChatMembersHost) {
  const api = useApi()
  const auth = useAuthStore()
  const presence = usePresenceStore()

  const members = ref<Record<string, Member[]>>({})

  /** Bumped by every local change to a member list, so an older fetch does not overwrite it. */
  const membersEpoch: Record<string, number> = {}
  function touchMembers(chatId: string): number {
    membersEpoch[chatId] = (membersEpoch[chatId] ?? 0) + 1
    return membersEpoch[chatId]
  }

  /** A chat's detail names its members: keep what is known of each, and a placeholder for the rest. */
  function seedMembers(chat: Chat, people: User[]) {
    for (const user of people) presence.seed(user)
    const known = new Map((members.value[chat.id] ?? []).map(member => [member.user.id, member]))
    // Until the member list arrives: a placeholder role, and no read position (0) known.
    members.value[chat.id] = people.map(user => known.get(user.id) ?? { user, role: 'member', joinedAt: chat.createdAt, lastReadSeq: 0 })
  }

  async function loadMembers(chatId: string) {
    const epoch = touchMembers(chatId)
    const all = await host.allPages<Member>(`/api/chats/${chatId}/members`)
    // Read positions give "Seen" before any live receipt (and after a reload). They only
    // move forward, so even an answer older than the list held is safe to take them from.
    for (const member of all) host.applyRead(chatId, member.user.id, member.lastReadSeq)
    // A role change, removal or arrival since the request started is newer than this answer.
    if (membersEpoch[chatId] !== epoch) return members.value[chatId] ?? all
    for (const member of all) presence.seed(member.user)
    members.value[chatId] = all
    return all
  }

  function applyMemberAdded(chatId: string, user: User, role: MemberRole) {
    presence.seed(user)
    touchMembers(chatId)
    host.markLive(chatId)
    const chat = host.byId.value[chatId]
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
      host.remove(chatId)
      return
    }
    touchMembers(chatId)
    host.markLive(chatId)
    const list = members.value[chatId]
    if (list) members.value[chatId] = list.filter(member => member.user.id !== userId)
    const chat = host.byId.value[chatId]
    if (chat) chat.memberCount = Math.max(0, chat.memberCount - 1)
  }

  /** Someone's new display name (or role, or suspension), in the direct chats with them and the member lists. */
  function applyUser(user: User) {
    // `suspended` is absent once a ban is lifted: copied as it comes, not merged.
    const { suspended } = user
    for (const chat of Object.values(host.byId.value)) {
      // A deleted account comes as the "Deleted user" stand-in: its name and never-seen presence too.
      if (chat.peer?.id === user.id) chat.peer = { ...chat.peer, username: user.username, displayName: user.displayName, role: user.role, lastSeenAt: user.lastSeenAt, suspended }
    }
    for (const list of Object.values(members.value)) {
      for (const member of list) if (member.user.id === user.id) member.user = { ...member.user, displayName: user.displayName, role: user.role, suspended }
    }
  }

  /** A role changed (made admin, or owner when the owner left): the viewer's own decides what they may do. */
  function applyMemberRole(chatId: string, userId: string, role: MemberRole) {
    touchMembers(chatId)
    const member = members.value[chatId]?.find(entry => entry.user.id === userId)
    if (member) member.role = role
    const membership = host.byId.value[chatId]?.membership
    if (userId === auth.user?.id && membership) membership.role = role
  }

  async function addMembers(chatId: string, userIds: string[]) {
    const chat = host.upsert(await api<Chat>(`/api/chats/${chatId}/members`, { method: 'POST', body: { userIds } }))
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

  /**
   * Who would own the chat if its owner left now, as the server answers it: the rule is the
   * server's alone (services/chats/memberships.ts, successorOf), so the leave dialog cannot
   * name someone other than who gets the chat. Null: nobody would be left.
   */
  async function nextOwner(chatId: string): Promise<User | null> {
    return (await api<{ user: User | null }>(`/api/chats/${chatId}/next-owner`)).user
  }

  return { members, seedMembers, loadMembers, nextOwner, applyMemberAdded, applyMemberRemoved, applyUser, applyMemberRole, addMembers, removeMember, setMemberRole }
}
