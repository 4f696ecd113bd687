import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types/api'
import { api, eventually, signUp, type TestUser } from '../harness/api-client'

const baseUrl = () => inject('baseUrl')
let ana: TestUser, bob: TestUser, eve: TestUser
let chatId: string

beforeAll(async () => {
  [ana, bob, eve] = await Promise.all([signUp(baseUrl(), 'ana'), signUp(baseUrl(), 'bob'), signUp(baseUrl(), 'eve')])
  chatId = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Messages', memberIds: [bob.id] })).body.id
})

const send = (user: TestUser, body: Record<string, unknown>, chat = chatId) => api(baseUrl(), user, 'POST', `/api/chats/${chat}/messages`, body)

describe('messages over HTTP', () => {
  it('sends with increasing seqs and the full message shape', async () => {
    const first = await send(ana, { content: 'hello', clientId: 'h-1' })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/), chatId, content: 'hello', clientId: 'h-1', replyTo: null, mentions: [], mentionsAll: false, reactions: [],
      sender: { id: ana.id, username: ana.username, displayName: ana.username }, editedAt: null, deletedAt: null,
    })
    const second = await send(bob, { content: 'hi', replyToId: first.body.id })
    expect(second.body.seq).toBe(first.body.seq + 1)
    expect(second.body.changeSeq).toBeGreaterThan(first.body.changeSeq)
    expect(second.body.replyTo).toEqual({ id: first.body.id, seq: first.body.seq, senderId: ana.id, content: 'hello', deleted: false, attachmentNames: [] })
  })

  it('returns the original for a repeated clientId (200) and stores it once', async () => {
    const original = await send(ana, { content: 'once', clientId: 'dup-1' })
    const again = await send(ana, { content: 'once', clientId: 'dup-1' })
    expect(again.status).toBe(200)
    expect(again.body).toEqual(original.body)
    // The same clientId from someone else is another message.
    const other = await send(bob, { content: 'once', clientId: 'dup-1' })
    expect(other.status).toBe(201)
    expect(other.body.id).not.toBe(original.body.id)
  })

  it('answers a removed member\'s repeat of a send stored before the removal with the original, and refuses a new one', async () => {
    // Eve's send reached the server, its answer did not; she was removed before her retry.
    const group = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Removed', memberIds: [eve.id] })).body.id
    const original = await send(eve, { content: 'stored before', clientId: 'gone-1' }, group)
    expect(original.status).toBe(201)
    expect((await api(baseUrl(), ana, 'DELETE', `/api/chats/${group}/members/${eve.id}`)).status).toBe(204)
    const again = await send(eve, { content: 'stored before', clientId: 'gone-1' }, group)
    expect(again.status).toBe(200)
    expect(again.body).toEqual(original.body)
    // A new clientId, or none, is refused as before, and nothing more is stored.
    expect((await send(eve, { content: 'after', clientId: 'gone-2' }, group)).status).toBe(404)
    expect((await send(eve, { content: 'after' }, group)).status).toBe(404)
    // Another person's clientId names no send of hers.
    await send(ana, { content: 'ana\'s', clientId: 'gone-3' }, group)
    expect((await send(eve, { content: 'ana\'s', clientId: 'gone-3' }, group)).status).toBe(404)
    const history = (await api(baseUrl(), ana, 'GET', `/api/chats/${group}/messages`)).body.items as Message[]
    expect(history.map(message => message.content)).toEqual(['stored before', 'ana\'s'])

    // A channel left: the repeat is the original too, a new send is 403 "Join this channel first."
    const channel = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'channel', name: `Left ${Date.now()}` })).body.id
    expect((await api(baseUrl(), eve, 'POST', `/api/chats/${channel}/join`)).status).toBeLessThan(300)
    const inChannel = await send(eve, { content: 'said before leaving', clientId: 'left-1' }, channel)
    expect(inChannel.status).toBe(201)
    expect((await api(baseUrl(), eve, 'POST', `/api/chats/${channel}/leave`)).status).toBeLessThan(300)
    const repeat = await send(eve, { content: 'said before leaving', clientId: 'left-1' }, channel)
    expect(repeat.status).toBe(200)
    expect(repeat.body).toEqual(inChannel.body)
    const refused = await send(eve, { content: 'after leaving', clientId: 'left-2' }, channel)
    expect(refused.status).toBe(403)
    expect(refused.body.message).toBe('Join this channel first.')
  })

  it('validates content, clientId, replyTo and unknown fields', async () => {
    expect((await send(ana, { content: '' })).status).toBe(400)
    expect((await send(ana, { content: '   \n ' })).status).toBe(400)
    expect((await send(ana, { content: 'x'.repeat(4001) })).status).toBe(400)
    expect((await send(ana, { content: '😀'.repeat(4000) })).status).toBe(201) // code points, not UTF-16 units
    expect((await send(ana, { content: 'x', clientId: 'c'.repeat(65) })).status).toBe(400)
    expect((await send(ana, { content: 'x', extra: 1 })).body.data.code).toBe('validation_failed')
    const elsewhere = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'direct', userId: eve.id })).body.id
    const foreign = (await send(ana, { content: 'there' }, elsewhere)).body
    const reply = await send(ana, { content: 'x', replyToId: foreign.id })
    expect(reply.status).toBe(400)
    expect(reply.body.data.code).toBe('validation_failed')
    expect((await send(eve, { content: 'not a member' })).status).toBe(404)
  })

  it('pages history by before/after/around with hasMore flags', async () => {
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'History', memberIds: [bob.id] })).body.id
    for (let i = 1; i <= 12; i++) await send(ana, { content: `m${i}` }, chat)
    const latest = await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/messages?limit=5`)
    expect(latest.body.items.map((m: Message) => m.seq)).toEqual([8, 9, 10, 11, 12])
    expect(latest.body).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false })
    const before = await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/messages?before=3&limit=5`)
    expect(before.body.items.map((m: Message) => m.seq)).toEqual([1, 2])
    expect(before.body).toMatchObject({ hasMoreBefore: false, hasMoreAfter: true })
    const after = await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/messages?after=9&limit=5`)
    expect(after.body.items.map((m: Message) => m.seq)).toEqual([10, 11, 12])
    expect(after.body).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false })
    const around = await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/messages?around=6&limit=5`)
    expect(around.body.items.map((m: Message) => m.seq)).toEqual([4, 5, 6, 7, 8])
    expect(around.body).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true })
    expect((await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/messages?limit=101`)).status).toBe(400)
    expect((await api(baseUrl(), eve, 'GET', `/api/chats/${chat}/messages`)).status).toBe(404)
  })

  it('edits (author only), deletes into a tombstone, and reacts idempotently', async () => {
    const message = (await send(ana, { content: 'draft' })).body
    expect((await api(baseUrl(), bob, 'PATCH', `/api/messages/${message.id}`, { content: 'hack' })).status).toBe(403)
    const edited = await api<Message>(baseUrl(), ana, 'PATCH', `/api/messages/${message.id}`, { content: 'final' })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ content: 'final', seq: message.seq })
    expect(edited.body.editedAt).not.toBeNull()
    expect(edited.body.changeSeq).toBeGreaterThan(message.changeSeq)

    const emoji = encodeURIComponent('👍')
    const reacted = await api<Message>(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/${emoji}`)
    expect(reacted.body.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.id] }])
    const again = await api<Message>(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/${emoji}`)
    expect(again.body.changeSeq).toBe(reacted.body.changeSeq)
    expect((await api(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/${encodeURIComponent('a b')}`)).status).toBe(400)
    expect((await api(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/${'x'.repeat(17)}`)).status).toBe(400)
    const removed = await api<Message>(baseUrl(), bob, 'DELETE', `/api/messages/${message.id}/reactions/${emoji}`)
    expect(removed.body.reactions).toEqual([])
    expect((await api(baseUrl(), eve, 'PUT', `/api/messages/${message.id}/reactions/${emoji}`)).status).toBe(404)

    expect((await api(baseUrl(), bob, 'DELETE', `/api/messages/${message.id}`)).status).toBe(403)
    expect((await api(baseUrl(), ana, 'DELETE', `/api/messages/${message.id}`)).status).toBe(204)
    const page = await api(baseUrl(), bob, 'GET', `/api/chats/${chatId}/messages?around=${message.seq}&limit=1`)
    expect(page.body.items[0]).toMatchObject({ id: message.id, seq: message.seq, content: '', reactions: [], sender: { id: ana.id } })
    expect(page.body.items[0].deletedAt).not.toBeNull()
  })

  it('refuses a 21st distinct reaction with 409', async () => {
    const message = (await send(ana, { content: 'popular' })).body
    for (let i = 0; i < 20; i++) {
      expect((await api(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/r${i}`)).status).toBe(200)
    }
    const extra = await api(baseUrl(), bob, 'PUT', `/api/messages/${message.id}/reactions/r20`)
    expect(extra.status).toBe(409)
    expect(extra.body.data.code).toBe('conflict')
  })

  it('lets a group owner delete others\' messages', async () => {
    const message = (await send(bob, { content: 'moderate me' })).body
    expect((await api(baseUrl(), ana, 'DELETE', `/api/messages/${message.id}`)).status).toBe(204)
  })

  it('returns exactly the missed changes after a point, in changeSeq order', async () => {
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Changes', memberIds: [bob.id] })).body.id
    await send(ana, { content: 'before' }, chat)
    const since = (await api(baseUrl(), bob, 'GET', `/api/chats/${chat}`)).body.lastChangeSeq
    const sent: Message[] = []
    for (let i = 0; i < 30; i++) sent.push((await send(i % 2 ? ana : bob, { content: `missed ${i}` }, chat)).body)
    await api(baseUrl(), ana, 'PATCH', `/api/messages/${sent[1]!.id}`, { content: 'edited 1' })
    await api(baseUrl(), bob, 'PATCH', `/api/messages/${sent[2]!.id}`, { content: 'edited 2' })
    await api(baseUrl(), bob, 'DELETE', `/api/messages/${sent[4]!.id}`)
    await api(baseUrl(), ana, 'PUT', `/api/messages/${sent[6]!.id}/reactions/ok`)
    await api(baseUrl(), bob, 'PUT', `/api/messages/${sent[6]!.id}/reactions/ok`)
    const result = await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/changes?since=${since}`)
    expect(result.status).toBe(200)
    const items = result.body.items as Message[]
    expect(items).toHaveLength(30)
    expect(new Set(items.map(m => m.id))).toEqual(new Set(sent.map(m => m.id)))
    const changeSeqs = items.map(m => m.changeSeq)
    expect(changeSeqs).toEqual([...changeSeqs].sort((a, b) => a - b))
    expect(result.body).toMatchObject({ hasMore: false, lastChangeSeq: since + 35 })
    const byId = new Map(items.map(m => [m.id, m]))
    expect(byId.get(sent[1]!.id)!.content).toBe('edited 1')
    expect(byId.get(sent[4]!.id)!.deletedAt).not.toBeNull()
    expect(byId.get(sent[6]!.id)!.reactions).toEqual([{ emoji: 'ok', count: 2, userIds: [ana.id, bob.id] }])
    // Paging by `lastChangeSeq` covers everything without a gap.
    const seen = new Map<string, number>()
    let cursor = since
    for (let page = 0; page < 20; page++) {
      const part = (await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/changes?since=${cursor}&limit=7`)).body
      for (const m of part.items as Message[]) seen.set(m.id, m.changeSeq)
      cursor = part.lastChangeSeq
      if (!part.hasMore) break
    }
    expect(seen.size).toBe(30)
    const nothing = (await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/changes?since=${since + 35}`)).body
    expect(nothing).toEqual({ items: [], lastChangeSeq: since + 35, hasMore: false })
  })

  it('never answers an empty /changes page while hasMore is true, even when every change in the window was superseded', async () => {
    // Ten messages, each edited three times: change numbers 1-10 (the sends) and most
    // of the edits belong to messages changed again later (docs/api-realtime.md, "`/changes`").
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Superseded', memberIds: [bob.id] })).body.id
    const sent: Message[] = []
    for (let i = 0; i < 10; i++) sent.push((await send(ana, { content: `message ${i}` }, chat)).body)
    for (const message of sent) {
      for (let edit = 1; edit <= 3; edit++) {
        expect((await api(baseUrl(), ana, 'PATCH', `/api/messages/${message.id}`, { content: `${message.content}, edit ${edit}` })).status).toBe(200)
      }
    }
    const pages: { items: Message[], lastChangeSeq: number, hasMore: boolean }[] = []
    let since = 0
    for (let request = 0; request < 20; request++) {
      const page = (await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/changes?since=${since}&limit=2`)).body
      pages.push(page)
      since = page.lastChangeSeq
      if (!page.hasMore) break
    }
    for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(2)
    expect(pages.map(page => page.hasMore)).toEqual([true, true, true, true, false])
    expect(pages.at(-1)!.lastChangeSeq).toBe(40)
    const items = pages.flatMap(page => page.items)
    expect(items.map(m => m.id)).toEqual(sent.map(m => m.id))
    expect(items.map(m => m.content)).toEqual(sent.map(m => `${m.content}, edit 3`))
    expect(items.map(m => m.changeSeq)).toEqual(sent.map((_, i) => 13 + 3 * i))
    // Each page continues exactly where the previous one stopped: at its last message.
    expect(pages.map(page => page.lastChangeSeq)).toEqual([16, 22, 28, 34, 40])
  })

  it('searches the caller\'s chats case-insensitively, newest first, paginated, with the text escaped', async () => {
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Search', memberIds: [bob.id] })).body.id
    const marker = `zq${Date.now()}`
    await send(ana, { content: `${marker} first (a+b)` }, chat)
    await send(bob, { content: `second ${marker.toUpperCase()} (a+b)` }, chat)
    await send(bob, { content: 'unrelated' }, chat)
    const found = await api(baseUrl(), ana, 'GET', `/api/search/messages?q=${encodeURIComponent(`${marker} first (a+b`)}`)
    expect(found.body.items.map((m: Message) => m.content)).toEqual([`${marker} first (a+b)`])
    const both = await api(baseUrl(), bob, 'GET', `/api/search/messages?q=${marker}&limit=1`)
    expect(both.body.items[0].content).toContain('second')
    const next = await api(baseUrl(), bob, 'GET', `/api/search/messages?q=${marker}&limit=1&cursor=${encodeURIComponent(both.body.nextCursor)}`)
    expect(next.body.items[0].content).toContain('first')
    expect((await api(baseUrl(), eve, 'GET', `/api/search/messages?q=${marker}`)).body.items).toEqual([])
    expect((await api(baseUrl(), ana, 'GET', '/api/search/messages?q=a')).status).toBe(400)
    expect((await api(baseUrl(), ana, 'GET', `/api/search/messages?q=.*`)).body.items.every((m: Message) => m.content.includes('.*'))).toBe(true)
  })

  it('keeps a formatted message as typed, Markdown and line breaks, and search finds it by its words', async () => {
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Formatted', memberIds: [bob.id] })).body.id
    const marker = `zf${Date.now()}`
    const typed = `**${marker}** at \`noon\`\n> see [the menu](https://example.com/menu)\n- soup`
    expect((await send(ana, { content: typed }, chat)).body.content).toBe(typed)
    const byWord = await api(baseUrl(), bob, 'GET', `/api/search/messages?q=${marker}`)
    expect(byWord.body.items.map((m: Message) => m.content)).toEqual([typed])
    const byLinkWords = await api(baseUrl(), bob, 'GET', `/api/search/messages?q=${encodeURIComponent('the menu')}`)
    expect(byLinkWords.body.items.map((m: Message) => m.content)).toContain(typed)
  })

  it('finds a formatted message by the words people see across its markers, follows edits, forgets deleted text', async () => {
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Lunch', memberIds: [bob.id] })).body.id
    const marker = `lm${Date.now()}`
    const search = async (q: string) => (await api(baseUrl(), bob, 'GET', `/api/search/messages?q=${encodeURIComponent(q)}&chatId=${chat}`)).body.items.map((m: Message) => m.content)
    const typed = `**${marker} lunch** at \`noon\`, ~~soup~~ [the menu](https://example.com/m_a_b)\nsecond line`
    const sent = (await send(ana, { content: typed }, chat)).body
    // Across bold, code, strikethrough and a link's text, and across the line break.
    expect(await search(`${marker} lunch at noon`)).toEqual([typed])
    expect(await search('noon, soup the menu second line')).toEqual([typed])
    // The text as typed still matches, Markdown and all; the DTO carries only the text as typed.
    expect(await search(`**${marker}`)).toEqual([typed])
    const page = await api(baseUrl(), bob, 'GET', `/api/chats/${chat}/messages`)
    expect(Object.keys(page.body.items[0])).not.toContain('searchText')
    // An edit is searched by its new words only.
    const edited = `_${marker} dinner_ at eight`
    expect((await api(baseUrl(), ana, 'PATCH', `/api/messages/${sent.id}`, { content: edited })).status).toBe(200)
    expect(await search(`${marker} dinner at`)).toEqual([edited])
    expect(await search(`${marker} lunch at`)).toEqual([])
    // A deleted message is found by none of its words (its text and their projection are emptied).
    expect((await api(baseUrl(), ana, 'DELETE', `/api/messages/${sent.id}`)).status).toBe(204)
    expect(await search(`${marker} dinner`)).toEqual([])
  })

  it('finds words whatever their accents, composed or not, both ways, and compatibility forms by their letters', async () => {
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Accents', memberIds: [bob.id] })).body.id
    const search = async (q: string) => (await api(baseUrl(), bob, 'GET', `/api/search/messages?q=${encodeURIComponent(q)}&chatId=${chat}`)).body.items.map((m: Message) => m.content).sort()
    const composed = 'Le Café de Flore'
    // The same words as a phone keyboard may send them: e + a combining acute accent.
    const decomposed = 'un cafe\u0301 crème'.normalize('NFD')
    const plain = 'cafe creme at Zoe\'s'
    const formatted = '**Crème brûlée** au café'
    const ligature = 'the \uFB01nal ＭＥＮＵ'
    for (const content of [composed, decomposed, plain, formatted, ligature]) expect((await send(ana, { content }, chat)).status).toBe(201)

    expect(await search('cafe')).toEqual([formatted, plain, composed, decomposed].sort())
    expect(await search('CAFÉ')).toEqual([formatted, plain, composed, decomposed].sort())
    expect(await search('cafe\u0301')).toEqual([formatted, plain, composed, decomposed].sort())
    expect(await search('creme')).toEqual([formatted, plain, decomposed].sort())
    expect(await search('creme brulee')).toEqual([formatted])
    expect(await search('Zoë')).toEqual([plain])
    expect(await search('final menu')).toEqual([ligature])
    // What is typed still matches as typed, Markdown and accents and all.
    expect(await search('**Crème')).toEqual([formatted])
  })

  it('shows a deleted account\'s messages as from "Deleted user" and drops it from its groups', async () => {
    const leaver = await signUp(baseUrl(), 'gone')
    const chat = (await api(baseUrl(), ana, 'POST', '/api/chats', { type: 'group', name: 'Farewell', memberIds: [leaver.id] })).body.id
    const sent = (await send(leaver, { content: 'bye' }, chat)).body
    expect((await api(baseUrl(), leaver, 'DELETE', '/api/users/me', { password: leaver.password })).status).toBe(204)
    const page = await api(baseUrl(), ana, 'GET', `/api/chats/${chat}/messages`)
    expect(page.body.items.find((m: Message) => m.id === sent.id).sender).toEqual({ id: leaver.id, username: 'deleted', displayName: 'Deleted user' })
    await eventually(async () => (await api(baseUrl(), ana, 'GET', `/api/chats/${chat}`)).body.memberCount === 1)
  })
})
