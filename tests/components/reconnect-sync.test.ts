import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import type { User } from '#shared/types/api'
import { applyToWindow, emptyWindow, heldWithoutGapThrough } from '~~/utils/message-window'
import { chatId, freshStoresForEachTest, message, viewer } from './chat-fixtures'

// What the client holds after its socket was down: no change counted caught up, no message
// counted read and nobody counted online that it has not seen (docs/ui.md, "An answer over HTTP never jumps a gap", "Presence while the socket is down").

const { api } = vi.hoisted(() => ({ api: vi.fn() }))
mockNuxtImport('useApi', () => () => api)

freshStoresForEachTest(api)

describe('a gap in what is held', () => {
  it('holds a message answered past a gap, but neither counts it caught up nor shown without the messages before it', () => {
    const window = emptyWindow()
    for (const seq of [1, 2, 3]) applyToWindow(window, message(seq))
    // The answer to a send made while the socket was down: seqs 4 and 5 were missed.
    expect(applyToWindow(window, message(6))).toBe(true)
    expect(window.lastChangeSeq).toBe(3)
    expect(heldWithoutGapThrough(window)).toBe(3)
    for (const seq of [4, 5]) applyToWindow(window, message(seq))
    expect(window.lastChangeSeq).toBe(6)
    expect(heldWithoutGapThrough(window)).toBe(6)
  })

  it('catches up from before a gap an answer over HTTP jumped (a send while the socket was down)', async () => {
    const messages = useMessagesStore()
    api.mockResolvedValueOnce({ items: [message(1), message(2)], hasMoreBefore: false, hasMoreAfter: false })
    await messages.open(chatId)
    // Ben's message 3 and an edit of 1 (changes 3 and 4) were missed; the viewer's own send is change 5.
    messages.apply(message(4, { changeSeq: 5, sender: { id: viewer.id, username: viewer.username, displayName: viewer.displayName } }))
    api.mockResolvedValueOnce({ items: [message(3), message(1, { changeSeq: 4, content: 'edit' }), message(4, { changeSeq: 5 })], lastChangeSeq: 5, hasMore: false })
    await messages.catchUp(chatId, 5)
    expect(api).toHaveBeenLastCalledWith(`/api/chats/${chatId}/changes`, { query: { since: 2, limit: 100 } })
    expect(messages.messagesOf(chatId).map(m => [m.seq, m.content])).toEqual([[1, 'edit'], [2, 'message 2'], [3, 'message 3'], [4, 'message 4']])
    expect(messages.windows[chatId]!.lastChangeSeq).toBe(5)
  })

  it('reports nothing read past a gap in what is on screen, and reads it once the gap is filled', async () => {
    const chats = useChatsStore()
    const messages = useMessagesStore()
    chats.upsert({
      id: chatId, type: 'direct', name: null, topic: null, createdAt: '2026-11-20T00:00:00.000Z', createdBy: viewer.id, memberCount: 2,
      lastSeq: 2, lastChangeSeq: 2, lastMessage: null, lastActivityAt: '2026-11-20T00:00:00.000Z', peer: null,
      membership: { role: 'member', lastReadSeq: 0, unreadCount: 2, mentionCount: 0, mentionSeqs: [], notify: 'all', mutedUntil: null, joinedAt: '2026-11-20T00:00:00.000Z' },
    })
    api.mockResolvedValueOnce({ items: [message(1), message(2)], hasMoreBefore: false, hasMoreAfter: false })
    await messages.open(chatId)
    messages.apply(message(5, { sender: { id: viewer.id, username: viewer.username, displayName: viewer.displayName } }))
    api.mockResolvedValue(undefined)
    await chats.markRead(chatId, 5)
    expect(api).toHaveBeenLastCalledWith(`/api/chats/${chatId}/read`, { method: 'POST', body: { seq: 2 } })
    for (const seq of [3, 4]) messages.apply(message(seq))
    chats.readPastFilledGap(chatId)
    await vi.waitFor(() => expect(api).toHaveBeenLastCalledWith(`/api/chats/${chatId}/read`, { method: 'POST', body: { seq: 5 } }))
  })

  it('reports nothing read over unread messages never loaded above the held page, unless the reader jumped past them', async () => {
    const chats = useChatsStore()
    const messages = useMessagesStore()
    chats.upsert({
      id: chatId, type: 'group', name: 'G', topic: null, createdAt: '2026-11-20T00:00:00.000Z', createdBy: viewer.id, memberCount: 2,
      lastSeq: 60, lastChangeSeq: 60, lastMessage: null, lastActivityAt: '2026-11-20T00:00:00.000Z', peer: null,
      membership: { role: 'member', lastReadSeq: 1, unreadCount: 59, mentionCount: 0, mentionSeqs: [], notify: 'all', mutedUntil: null, joinedAt: '2026-11-20T00:00:00.000Z' },
    })
    // A search result's page (or the latest page), seqs 51..60: 2..50 were never on screen.
    api.mockResolvedValueOnce({ items: Array.from({ length: 10 }, (_, index) => message(51 + index)), hasMoreBefore: true, hasMoreAfter: false })
    await messages.open(chatId, 55)
    api.mockResolvedValue(undefined)
    await chats.markRead(chatId, 58)
    expect(api).not.toHaveBeenCalledWith(`/api/chats/${chatId}/read`, expect.anything())
    await chats.markRead(chatId, 60, { overUnloaded: true })
    expect(api).toHaveBeenLastCalledWith(`/api/chats/${chatId}/read`, { method: 'POST', body: { seq: 60 } })
  })
})

describe('presence across a reconnect', () => {
  const cleo = { id: 'c'.repeat(24), username: 'cleo', displayName: 'Cleo', online: true, lastSeenAt: null } as User

  it('shows nobody online while the socket is down, and reads everyone held again once it is back', async () => {
    const presence = usePresenceStore()
    presence.seed(cleo)
    presence.apply(cleo.id, true, null)
    presence.loseSight()
    expect(presence.isOnline(cleo.id)).toBe(false)
    expect(presence.typingIn(chatId)).toEqual([])
    // Cleo left while the socket was down: the read says so, though an event once said online.
    const left = { ...cleo, online: false, lastSeenAt: new Date().toISOString() }
    api.mockResolvedValueOnce({ items: [left], nextCursor: null })
    await presence.readAgain()
    expect(api).toHaveBeenCalledWith('/api/users', { query: { ids: cleo.id, limit: 100 } })
    expect(presence.known).toBe(true)
    expect(presence.byUser[cleo.id]).toEqual({ online: false, lastSeenAt: left.lastSeenAt })
  })

  it('lets an event that arrives while the read is on its way win, and drops a read answered after the socket was lost again', async () => {
    const presence = usePresenceStore()
    presence.seed(cleo)
    presence.loseSight()
    let answer!: (page: unknown) => void
    api.mockReturnValueOnce(new Promise((resolve) => {
      answer = resolve
    }))
    const reading = presence.readAgain()
    presence.apply(cleo.id, false, '2026-11-20T00:00:00.000Z')
    answer({ items: [cleo], nextCursor: null })
    await reading
    expect(presence.byUser[cleo.id]!.online).toBe(false)

    presence.loseSight()
    api.mockReturnValueOnce(new Promise((resolve) => {
      answer = resolve
    }))
    const stale = presence.readAgain()
    presence.loseSight()
    answer({ items: [cleo], nextCursor: null })
    await stale
    expect(presence.known).toBe(false)
  })
})
