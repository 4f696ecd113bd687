import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import type { Chat, User } from '#shared/types/api'
import { ben, chatId, freshStoresForEachTest, message, viewer } from './chat-fixtures'

// The chat list and presence stores (stores/chats.ts, stores/presence.ts); the message
// window, the messages store and the outbox: chat-stores.test.ts.

const { api } = vi.hoisted(() => ({ api: vi.fn() }))
mockNuxtImport('useApi', () => () => api)

freshStoresForEachTest(api)

describe('presence', () => {
  it('hides a typing line at its expiresAt', () => {
    vi.useFakeTimers()
    const presence = usePresenceStore()
    presence.applyTyping(chatId, 'b'.repeat(24), new Date(Date.now() + 3000).toISOString())
    expect(presence.typingIn(chatId)).toEqual(['b'.repeat(24)])
    vi.advanceTimersByTime(2999)
    expect(presence.typingIn(chatId)).toHaveLength(1)
    vi.advanceTimersByTime(2)
    expect(presence.typingIn(chatId)).toEqual([])
  })

  it('takes each newer fetch of someone no event tells about, and keeps what an event told', () => {
    const presence = usePresenceStore()
    const cleo = { id: 'c'.repeat(24), username: 'cleo', displayName: 'Cleo', online: true, lastSeenAt: null } as User
    // Found in the directory, online; found again after she left: the directory's answer shows.
    presence.seed(cleo)
    expect(presence.isOnline(cleo.id)).toBe(true)
    presence.seed({ ...cleo, online: false, lastSeenAt: new Date().toISOString() })
    expect(presence.isOnline(cleo.id)).toBe(false)
    // A live event is newer than a fetch that may have been asked before it.
    presence.apply(cleo.id, true, null)
    presence.seed({ ...cleo, online: false })
    expect(presence.isOnline(cleo.id)).toBe(true)
  })

  it('ignores a typing event that has already expired', () => {
    const presence = usePresenceStore()
    presence.applyTyping(chatId, 'b'.repeat(24), new Date(Date.now() - 10).toISOString())
    expect(presence.typingIn(chatId)).toEqual([])
  })
})

describe('chat list', () => {
  it('counts unread messages from others and clears them when read', async () => {
    const chats = useChatsStore()
    chats.upsert({
      id: chatId, type: 'direct', name: null, topic: null, createdAt: '2026-11-20T00:00:00.000Z', createdBy: viewer.id, memberCount: 2,
      lastSeq: 0, lastChangeSeq: 0, lastMessage: null, lastActivityAt: '2026-11-20T00:00:00.000Z', peer: null,
      membership: { role: 'member', lastReadSeq: 0, unreadCount: 0, mentionCount: 0, mentionSeqs: [], notify: 'all', mutedUntil: null, joinedAt: '2026-11-20T00:00:00.000Z' },
    })
    chats.applyMessage(message(1))
    chats.applyMessage(message(1))
    chats.applyMessage(message(2))
    expect(chats.totalUnread).toBe(2)
    api.mockResolvedValueOnce(undefined)
    await chats.markRead(chatId, 2)
    expect(api).toHaveBeenCalledWith(`/api/chats/${chatId}/read`, { method: 'POST', body: { seq: 2 } })
    expect(chats.totalUnread).toBe(0)
  })

  function groupChat(overrides: Partial<Chat> = {}): Chat {
    return {
      id: chatId, type: 'group', name: 'Book club', topic: null, createdAt: '2026-11-20T00:00:00.000Z', createdBy: viewer.id, memberCount: 2,
      lastSeq: 0, lastChangeSeq: 0, lastMessage: null, lastActivityAt: '2026-11-20T00:00:00.000Z', peer: null,
      membership: { role: 'owner', lastReadSeq: 0, unreadCount: 0, mentionCount: 0, mentionSeqs: [], notify: 'all', mutedUntil: null, joinedAt: '2026-11-20T00:00:00.000Z' },
      ...overrides,
    }
  }

  function deferred() {
    let resolve!: (value: unknown) => void
    const promise = new Promise((done) => {
      resolve = done
    })
    return { promise, resolve }
  }

  it('keeps a live rename and a live new chat when an older list answers after them', async () => {
    const chats = useChatsStore()
    chats.upsert(groupChat())
    const list = deferred()
    api.mockReturnValueOnce(list.promise)
    const loading = chats.load()
    // While the list is on its way: the group is renamed, and another chat arrives.
    chats.upsert(groupChat({ name: 'Lake trip', membership: null }))
    const other = groupChat({ id: 'd'.repeat(24), name: 'New group' })
    chats.upsert(other)
    list.resolve({ items: [groupChat()], nextCursor: null })
    await loading
    expect(chats.byId[chatId]!.name).toBe('Lake trip')
    expect(chats.byId[chatId]!.membership).toMatchObject({ role: 'owner' })
    expect(chats.list.map(chat => chat.name).sort()).toEqual(['Lake trip', 'New group'])

    // A later list is the truth again.
    api.mockResolvedValueOnce({ items: [groupChat({ name: 'Renamed again' })], nextCursor: null })
    await chats.load()
    expect(chats.list.map(chat => chat.name)).toEqual(['Renamed again'])
  })

  it('does not bring back a chat that went away while it was fetched', async () => {
    const chats = useChatsStore()
    chats.upsert(groupChat())
    const detail = deferred()
    api.mockReturnValueOnce(detail.promise)
    const fetching = chats.fetchChat(chatId)
    chats.remove(chatId)
    detail.resolve(groupChat())
    await fetching
    expect(chats.byId[chatId]).toBeUndefined()
  })

  it('seeds members\' read positions from the member list ("Seen" after a reload)', async () => {
    const chats = useChatsStore()
    chats.upsert(groupChat({ lastSeq: 3, lastChangeSeq: 3 }))
    const list = deferred()
    api.mockReturnValueOnce(list.promise)
    const loading = chats.loadMembers(chatId)
    // Someone arrives while the list is on its way: the list is outdated, its read positions are not.
    chats.applyMemberAdded(chatId, { ...viewer, id: 'e'.repeat(24), username: 'cy', displayName: 'Cy' }, 'member')
    list.resolve({
      items: [
        { user: { ...viewer }, role: 'owner', joinedAt: '2026-11-20T00:00:00.000Z', lastReadSeq: 0 },
        { user: { ...ben, online: false, lastSeenAt: null }, role: 'member', joinedAt: '2026-11-20T00:00:00.000Z', lastReadSeq: 2 },
      ],
      nextCursor: null,
    })
    await loading
    expect(chats.seenBy(chatId, 2)).toEqual([ben.id])
    expect(chats.seenBy(chatId, 3)).toEqual([])
    // A live receipt moves it on; an older one does not move it back.
    chats.applyRead(chatId, ben.id, 3)
    chats.applyRead(chatId, ben.id, 1)
    expect(chats.seenBy(chatId, 3)).toEqual([ben.id])
  })
})
