import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import type { Message } from '#shared/types/api'
import type { PendingMessage } from '~~/utils/timeline'
import { applyToWindow, emptyWindow, orderedMessages } from '~~/utils/message-window'
import { chatId, freshStoresForEachTest, message, viewer } from './chat-fixtures'

const { api } = vi.hoisted(() => ({ api: vi.fn() }))
mockNuxtImport('useApi', () => () => api)

function networkError() {
  return Object.assign(new Error('fetch failed'), { response: undefined })
}

function httpError(status: number, code: string, retryAfterSeconds?: number) {
  const headers = new Headers(retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {})
  return Object.assign(new Error(code), { response: { status, headers }, data: { statusCode: status, message: `refused: ${code}`, data: { code } } })
}

freshStoresForEachTest(api)

// The message window, the messages store and the outbox; the chat list and presence:
// chat-list-stores.test.ts.

describe('message window', () => {
  it('keeps messages in seq order whatever order they arrive in, and applies each version once', () => {
    const window = emptyWindow()
    for (const seq of [3, 1, 2]) applyToWindow(window, message(seq))
    expect(orderedMessages(window).map(m => m.seq)).toEqual([1, 2, 3])

    const edited = message(2, { changeSeq: 7, content: 'edited', editedAt: new Date().toISOString() })
    expect(applyToWindow(window, edited)).toBe(true)
    // The same event again, and an older version arriving late, change nothing.
    expect(applyToWindow(window, edited)).toBe(false)
    expect(applyToWindow(window, message(2))).toBe(false)
    expect(orderedMessages(window)[1]!.content).toBe('edited')
    // Changes 4 to 6 have not been seen: where a catch-up resumes stays before them.
    expect(window.lastChangeSeq).toBe(3)
    for (const changeSeq of [5, 4, 6]) applyToWindow(window, message(1, { changeSeq, content: `edit ${changeSeq}` }))
    expect(window.lastChangeSeq).toBe(7)
  })

  it('leaves a new message outside a partial window for the page that will load it', () => {
    const window = emptyWindow()
    applyToWindow(window, message(10))
    window.hasMoreAfter = true
    expect(applyToWindow(window, message(40))).toBe(false)
    expect(orderedMessages(window).map(m => m.seq)).toEqual([10])
  })
})

describe('messages store', () => {
  it('catches a held chat up through /changes, page after page', async () => {
    const messages = useMessagesStore()
    api.mockResolvedValueOnce({ items: [message(1), message(2)], hasMoreBefore: false, hasMoreAfter: false })
    await messages.open(chatId)
    api
      .mockResolvedValueOnce({ items: [message(2, { changeSeq: 3, content: 'edit' }), message(3, { changeSeq: 4 })], lastChangeSeq: 5, hasMore: true })
      .mockResolvedValueOnce({ items: [message(4, { changeSeq: 5 })], lastChangeSeq: 5, hasMore: false })
    await messages.catchUp(chatId)
    expect(api).toHaveBeenNthCalledWith(2, `/api/chats/${chatId}/changes`, { query: { since: 2, limit: 100 } })
    expect(api).toHaveBeenNthCalledWith(3, `/api/chats/${chatId}/changes`, { query: { since: 5, limit: 100 } })
    expect(messages.messagesOf(chatId).map(m => [m.seq, m.content])).toEqual([[1, 'message 1'], [2, 'edit'], [3, 'message 3'], [4, 'message 4']])
  })

  it('keeps what arrives live while the latest page is on its way', async () => {
    const messages = useMessagesStore()
    let answer!: (page: unknown) => void
    api.mockReturnValueOnce(new Promise((resolve) => {
      answer = resolve
    }))
    const opening = messages.open(chatId)
    // The page was read on the server before message 3 was sent; its event comes first.
    messages.apply(message(3))
    answer({ items: [message(1), message(2)], hasMoreBefore: false, hasMoreAfter: false })
    await opening
    expect(messages.messagesOf(chatId).map(m => m.seq)).toEqual([1, 2, 3])
  })

  it('catches a page up that was requested before the socket (re)connected', async () => {
    const messages = useMessagesStore()
    let answer!: (page: unknown) => void
    api.mockReturnValueOnce(new Promise((resolve) => {
      answer = resolve
    }))
    const opening = messages.open(chatId)
    // Message 3 was sent while the socket was away: neither the page nor an event has it.
    messages.resyncOpening()
    api.mockResolvedValueOnce({ items: [message(3)], lastChangeSeq: 3, hasMore: false })
    answer({ items: [message(1), message(2)], hasMoreBefore: false, hasMoreAfter: false })
    await opening
    expect(api).toHaveBeenLastCalledWith(`/api/chats/${chatId}/changes`, { query: { since: 2, limit: 100 } })
    expect(messages.messagesOf(chatId).map(m => m.seq)).toEqual([1, 2, 3])
  })

  it('rolls an optimistic edit back when the server refuses it', async () => {
    const messages = useMessagesStore()
    api.mockResolvedValueOnce({ items: [message(1)], hasMoreBefore: false, hasMoreAfter: false })
    await messages.open(chatId)
    api.mockRejectedValueOnce(httpError(403, 'forbidden'))
    const edit = messages.edit(messages.messagesOf(chatId)[0]!, 'changed')
    expect(messages.messagesOf(chatId)[0]!.content).toBe('changed')
    await expect(edit).rejects.toThrow()
    expect(messages.messagesOf(chatId)[0]!.content).toBe('message 1')
  })

  it('keeps a message deleted that an edit begun before the deletion tries to save', async () => {
    const messages = useMessagesStore()
    api.mockResolvedValueOnce({ items: [message(1)], hasMoreBefore: false, hasMoreAfter: false })
    await messages.open(chatId)
    const beforeDeletion = messages.messagesOf(chatId)[0]!
    messages.apply(message(1, { content: '', deletedAt: '2026-01-01T00:00:00.000Z', changeSeq: 2 }))
    api.mockRejectedValueOnce(httpError(409, 'conflict'))
    const edit = messages.edit(beforeDeletion, 'changed')
    expect(messages.messagesOf(chatId)[0]!.deletedAt).not.toBeNull()
    await expect(edit).rejects.toThrow()
    expect(messages.messagesOf(chatId)[0]).toMatchObject({ content: '', deletedAt: '2026-01-01T00:00:00.000Z' })
  })
})

describe('outbox', () => {
  const sent = (body: { content: string, clientId: string }): Message =>
    message(9, { content: body.content, clientId: body.clientId, sender: { id: viewer.id, username: viewer.username, displayName: viewer.displayName } })

  it('keeps an unsent message across a reload and resends it with the same clientId', async () => {
    vi.useFakeTimers()
    api.mockRejectedValue(networkError())
    const outbox = useOutboxStore()
    outbox.restore(viewer.id)
    const item = outbox.enqueue(chatId, 'hello')
    await vi.waitFor(() => expect(api).toHaveBeenCalledTimes(1))
    expect(outbox.pendingIn(chatId)).toMatchObject([{ clientId: item.clientId, status: 'pending' }])

    // A reload: a fresh store reads the same browser storage.
    setActivePinia(createPinia())
    useAuthStore().user = viewer
    const reloaded = useOutboxStore()
    reloaded.restore(viewer.id)
    expect(reloaded.items.map(entry => entry.clientId)).toEqual([item.clientId])

    api.mockReset()
    api.mockImplementation(async (_url: string, options: { body: { content: string, clientId: string } }) => sent(options.body))
    const delivered: Message[] = []
    reloaded.setDeliveryHandler(m => delivered.push(m))
    reloaded.resume()
    await vi.waitFor(() => expect(reloaded.items).toHaveLength(0))
    expect(api).toHaveBeenCalledWith(`/api/chats/${chatId}/messages`, { method: 'POST', body: { content: 'hello', clientId: item.clientId } })
    expect(delivered.map(m => m.clientId)).toEqual([item.clientId])
    expect(localStorage.getItem(`parley:outbox:${viewer.id}`)).toBeNull()
  })

  it('two tabs of one person keep both their messages in the browser, and each message is posted once', async () => {
    vi.useFakeTimers()
    api.mockRejectedValue(networkError())
    const first = useOutboxStore()
    first.restore(viewer.id)
    const one = first.enqueue(chatId, 'from the first tab')
    await vi.waitFor(() => expect(api).toHaveBeenCalledTimes(1))

    // A second tab (its own stores, the same localStorage) opens and queues its own.
    setActivePinia(createPinia())
    useAuthStore().user = viewer
    const second = useOutboxStore()
    second.restore(viewer.id)
    const two = second.enqueue(chatId, 'from the second tab')
    const stored = () => (JSON.parse(localStorage.getItem(`parley:outbox:${viewer.id}`) ?? '[]') as PendingMessage[]).map(item => item.clientId)
    expect(stored()).toEqual([one.clientId, two.clientId])

    // The first tab writes again: the second tab's message stays stored.
    const three = first.enqueue(chatId, 'again from the first tab')
    expect(stored().sort()).toEqual([one.clientId, two.clientId, three.clientId].sort())
    await vi.advanceTimersByTimeAsync(0) // the tabs' tries fail (no connection); each waits to retry

    api.mockReset()
    api.mockImplementation(async (_url: string, options: { body: { content: string, clientId: string } }) => sent(options.body))
    first.resume()
    await vi.waitFor(() => expect(first.items).toHaveLength(0))
    expect(stored()).toEqual([two.clientId])
    // The second tab holds the first tab's message too (it read it on opening): already sent, it is not posted again.
    second.resume()
    await vi.waitFor(() => expect(second.items).toHaveLength(0))
    const posted = api.mock.calls.map(call => (call[1] as { body: { clientId: string } }).body.clientId)
    expect(posted.sort()).toEqual([one.clientId, two.clientId, three.clientId].sort())
    expect(localStorage.getItem(`parley:outbox:${viewer.id}`)).toBeNull()
  })

  it('marks a refused message failed, and retry sends it again', async () => {
    api.mockRejectedValueOnce(httpError(403, 'forbidden'))
    const outbox = useOutboxStore()
    outbox.restore(viewer.id)
    const item = outbox.enqueue(chatId, 'not allowed')
    await vi.waitFor(() => expect(outbox.items[0]?.status).toBe('failed'))
    expect(outbox.items[0]!.error).toBe('refused: forbidden')

    api.mockImplementationOnce(async (_url: string, options: { body: { content: string, clientId: string } }) => sent(options.body))
    outbox.retry(item.clientId)
    await vi.waitFor(() => expect(outbox.items).toHaveLength(0))
  })

  it('waits as long as the server\'s Retry-After before resending a refused send', async () => {
    vi.useFakeTimers()
    api.mockRejectedValueOnce(httpError(503, 'unavailable', 7))
    api.mockImplementation(async (_url: string, options: { body: { content: string, clientId: string } }) => sent(options.body))
    const outbox = useOutboxStore()
    outbox.restore(viewer.id)
    const item = outbox.enqueue(chatId, 'busy server')
    await vi.waitFor(() => expect(api).toHaveBeenCalledTimes(1))
    await vi.advanceTimersByTimeAsync(6_900) // the back-off alone would have resent after 1 s
    expect(api).toHaveBeenCalledTimes(1)
    expect(outbox.items[0]).toMatchObject({ clientId: item.clientId, status: 'pending' })
    await vi.advanceTimersByTimeAsync(200)
    await vi.waitFor(() => expect(outbox.items).toHaveLength(0))
    expect(api).toHaveBeenLastCalledWith(`/api/chats/${chatId}/messages`, { method: 'POST', body: { content: 'busy server', clientId: item.clientId } })
  })

  it('settles a pending message when its own event arrives first', () => {
    api.mockReturnValue(new Promise(() => {}))
    const outbox = useOutboxStore()
    outbox.restore(viewer.id)
    const item = outbox.enqueue(chatId, 'racing')
    outbox.settle(sent({ content: 'racing', clientId: item.clientId }))
    expect(outbox.items).toHaveLength(0)
  })
})
