import sharp from 'sharp'
import { describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types/api'
import { api, signUp } from '../harness/api-client'
import { animatedGif, download, groupOf, jpegWithLocation, PDF, png, SVG_WITH_SCRIPT, upload, uploaded } from '../harness/attachments'
import { TestSocket } from '../harness/ws-client'

// Uploading, sending and reading attachments on the shared server (docs/attachments.md).

const baseUrl = () => inject('baseUrl')

describe('attachments', () => {
  it('uploads an image: detected type, size, thumbnail; the served copy has no EXIF location and stands upright', async () => {
    const ana = await signUp(baseUrl(), 'att')
    const chat = await groupOf(baseUrl(), ana)
    // Taken sideways: EXIF orientation 6 (turn 90 degrees) beside the GPS position.
    const original = await sharp(await jpegWithLocation(800, 600)).withMetadata({ orientation: 6 }).jpeg().toBuffer()
    expect(original.includes(Buffer.from('SecretCam'))).toBe(true)
    // Declared as PNG and named .png: the bytes say JPEG, and JPEG it is.
    const attachment = await uploaded(baseUrl(), ana, chat, original, { name: 'holiday.png', type: 'image/png' })
    expect(attachment).toMatchObject({
      chatId: chat, name: 'holiday.png', type: 'image/jpeg', kind: 'image', width: 600, height: 800,
      url: `/api/attachments/${attachment.id}`, thumbnailUrl: `/api/attachments/${attachment.id}/thumbnail`,
    })
    const file = await download(baseUrl(), ana, attachment.url)
    expect(file.status).toBe(200)
    expect(file.bytes.length).toBe(attachment.size)
    const served = await sharp(file.bytes).metadata()
    expect(served).toMatchObject({ format: 'jpeg', width: 600, height: 800 })
    expect(served.exif).toBeUndefined()
    expect(file.bytes.includes(Buffer.from('SecretCam'))).toBe(false)
    expect(file.headers.get('content-type')).toBe('image/jpeg')
    expect(file.headers.get('content-disposition')).toMatch(/^inline; filename="holiday.png"/)

    const thumbnail = await download(baseUrl(), ana, attachment.thumbnailUrl!)
    expect(thumbnail.status).toBe(200)
    expect(thumbnail.headers.get('content-type')).toBe('image/webp')
    const thumbMeta = await sharp(thumbnail.bytes).metadata()
    expect(thumbMeta).toMatchObject({ format: 'webp', width: 480, height: 640 })
    expect(thumbMeta.exif).toBeUndefined()
  })

  it('keeps an animated GIF animated, in the file and the thumbnail', async () => {
    const ana = await signUp(baseUrl(), 'gif')
    const chat = await groupOf(baseUrl(), ana)
    const attachment = await uploaded(baseUrl(), ana, chat, await animatedGif(), { name: 'dance.gif', type: 'image/gif', multipart: true })
    expect(attachment).toMatchObject({ type: 'image/gif', kind: 'image', width: 40, height: 30 })
    for (const path of [attachment.url, attachment.thumbnailUrl!]) {
      const meta = await sharp((await download(baseUrl(), ana, path)).bytes, { animated: true }).metadata()
      expect(meta.pages, path).toBe(2)
    }
  })

  it('serves with the headers of the contract: nosniff, private ETag, downloads for anything a browser could run', async () => {
    const ana = await signUp(baseUrl(), 'hdr')
    const chat = await groupOf(baseUrl(), ana)
    const cases = [
      { bytes: SVG_WITH_SCRIPT, name: 'logo.svg', type: 'image/svg+xml', detected: 'text/plain' },
      { bytes: Buffer.from('<html><script>alert(1)</script></html>'), name: 'page.html', type: 'text/html', detected: 'text/plain' },
      { bytes: PDF, name: 'report.pdf', type: 'application/pdf', detected: 'application/pdf' },
      { bytes: Buffer.from([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01]), name: 'blob', type: 'text/html', detected: 'application/octet-stream' },
    ]
    for (const { bytes, name, type, detected } of cases) {
      const attachment = await uploaded(baseUrl(), ana, chat, bytes, { name, type, nameInQuery: true })
      expect(attachment, name).toMatchObject({ name, type: detected, kind: 'file', width: null, height: null, thumbnailUrl: null })
      const file = await download(baseUrl(), ana, attachment.url)
      expect(file.bytes.equals(bytes), name).toBe(true)
      expect(file.headers.get('content-type'), name).toBe(detected)
      expect(file.headers.get('content-disposition'), name).toMatch(/^attachment; filename=/)
      expect(file.headers.get('x-content-type-options')).toBe('nosniff')
      expect(file.headers.get('cache-control')).toBe('private, max-age=3600')
      expect(file.headers.get('content-security-policy')).toContain('sandbox')
      expect(file.headers.get('etag')).toBe(`"${attachment.id}"`)
      expect((await download(baseUrl(), ana, `${attachment.url}/thumbnail`)).status).toBe(404)
      const again = await download(baseUrl(), ana, attachment.url, { 'if-none-match': file.headers.get('etag')! })
      expect(again.status).toBe(304)
      expect(again.bytes.length).toBe(0)
    }
  })

  it('answers ranges: 206 with Content-Range, suffixes, open ends, and 416 outside the file', async () => {
    const ana = await signUp(baseUrl(), 'rng')
    const chat = await groupOf(baseUrl(), ana)
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))
    const { url } = await uploaded(baseUrl(), ana, chat, bytes)
    const part = await download(baseUrl(), ana, url, { range: 'bytes=10-19' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000')
    expect(part.bytes.equals(bytes.subarray(10, 20))).toBe(true)
    const suffix = await download(baseUrl(), ana, url, { range: 'bytes=-100' })
    expect([suffix.status, suffix.headers.get('content-range')]).toEqual([206, 'bytes 900-999/1000'])
    expect(suffix.bytes.equals(bytes.subarray(900))).toBe(true)
    const open = await download(baseUrl(), ana, url, { range: 'bytes=995-' })
    expect(open.bytes.equals(bytes.subarray(995))).toBe(true)
    const beyond = await download(baseUrl(), ana, url, { range: 'bytes=1000-1001' })
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, 'bytes */1000'])
    const stale = await download(baseUrl(), ana, url, { 'range': 'bytes=0-0', 'if-range': '"other"' })
    expect([stale.status, stale.bytes.length]).toEqual([200, 1000])
  })

  it('sends files over HTTP and WebSocket; members read them (the access cookie too), others get 404', async () => {
    const [ana, ben, eve] = await Promise.all([signUp(baseUrl(), 'snd'), signUp(baseUrl(), 'snd'), signUp(baseUrl(), 'snd')])
    const chat = await groupOf(baseUrl(), ana, [ben])
    const photo = await uploaded(baseUrl(), ana, chat, await png(), { name: 'pic.png', type: 'image/png' })
    // Not sent yet: only its uploader sees it.
    expect((await download(baseUrl(), ben, photo.url)).status).toBe(404)
    const sent = await api(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { attachments: [photo.id] })
    expect(sent.status).toBe(201)
    expect(sent.body).toMatchObject({ content: '', attachments: [photo] })
    const viaCookie = await fetch(`${baseUrl()}${photo.url}`, { headers: { cookie: `chat_access=${ben.accessCookie}` } })
    expect(viaCookie.status).toBe(200)
    const missing = await download(baseUrl(), eve, photo.url)
    const unknown = await download(baseUrl(), eve, '/api/attachments/0123456789abcdef01234567')
    expect([missing.status, unknown.status]).toEqual([404, 404])
    expect(missing.bytes.toString()).toBe(unknown.bytes.toString())
    expect((await download(baseUrl(), null, photo.url)).status).toBe(401)

    const socket = await TestSocket.connect(baseUrl(), { token: ben.token })
    try {
      const doc = await uploaded(baseUrl(), ben, chat, PDF, { name: 'notes.pdf' })
      const ack = await socket.request({ type: 'message.send', chatId: chat, clientId: 'ws-file', content: 'the notes', attachments: [doc.id] })
      expect(ack).toMatchObject({ type: 'ack', message: { content: 'the notes', attachments: [{ id: doc.id, type: 'application/pdf' }] } })
      const blank = await socket.request({ type: 'message.send', chatId: chat, clientId: 'ws-blank', content: ' ' })
      expect(blank).toMatchObject({ type: 'error', code: 'validation_failed' })
    }
    finally {
      socket.close()
    }
    const history = await api(baseUrl(), ben, 'GET', `/api/chats/${chat}/messages`)
    expect(history.body.items.map((message: { attachments: { name: string }[] }) => message.attachments.map(file => file.name))).toEqual([['pic.png'], ['notes.pdf']])
  })

  it('lets a caption be added to files and taken off again (HTTP and WebSocket); a message without files cannot be emptied', async () => {
    const ana = await signUp(baseUrl(), 'cap')
    const chat = await groupOf(baseUrl(), ana)
    const photo = await uploaded(baseUrl(), ana, chat, await png(), { name: 'pic.png', type: 'image/png' })
    const files = (await api<Message>(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { attachments: [photo.id] })).body
    const captioned = await api<Message>(baseUrl(), ana, 'PATCH', `/api/messages/${files.id}`, { content: 'the view' })
    expect(captioned.body).toMatchObject({ content: 'the view', attachments: [{ id: photo.id }] })
    const uncaptioned = await api<Message>(baseUrl(), ana, 'PATCH', `/api/messages/${files.id}`, { content: '' })
    expect(uncaptioned.status).toBe(200)
    expect(uncaptioned.body).toMatchObject({ content: '', attachments: [{ id: photo.id }], deletedAt: null })
    expect(uncaptioned.body.editedAt).not.toBeNull()

    // Words alone: emptying one is a delete, not an edit.
    const words = (await api<Message>(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { content: 'just words' })).body
    for (const content of ['', '   ']) {
      const refused = await api(baseUrl(), ana, 'PATCH', `/api/messages/${words.id}`, { content })
      expect(refused.status, content).toBe(400)
      expect(refused.body.data).toMatchObject({ code: 'validation_failed', issues: [expect.objectContaining({ path: ['content'] })] })
    }
    const socket = await TestSocket.connect(baseUrl(), { token: ana.token })
    try {
      expect(await socket.request({ type: 'message.edit', messageId: files.id, content: 'again' })).toMatchObject({ type: 'ack', message: { content: 'again' } })
      expect(await socket.request({ type: 'message.edit', messageId: files.id, content: '' })).toMatchObject({ type: 'ack', message: { content: '' } })
      expect(await socket.request({ type: 'message.edit', messageId: words.id, content: ' ' })).toMatchObject({ type: 'error', code: 'validation_failed' })
    }
    finally {
      socket.close()
    }
    const history = await api(baseUrl(), ana, 'GET', `/api/chats/${chat}/messages`)
    expect(history.body.items.map((message: Message) => message.content)).toEqual(['', 'just words'])
  })

  it('refuses a send naming a file already sent, of another chat or of someone else, and stores nothing', async () => {
    const [ana, ben] = await Promise.all([signUp(baseUrl(), 'own'), signUp(baseUrl(), 'own')])
    const chat = await groupOf(baseUrl(), ana, [ben])
    const other = await groupOf(baseUrl(), ana, [ben])
    const used = await uploaded(baseUrl(), ana, chat, PDF)
    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { content: 'once', attachments: [used.id] })).status).toBe(201)
    const elsewhere = await uploaded(baseUrl(), ana, other, PDF)
    const bens = await uploaded(baseUrl(), ben, chat, PDF)
    const fresh = await uploaded(baseUrl(), ana, chat, PDF)
    for (const attachments of [[used.id], [elsewhere.id], [bens.id], [fresh.id, used.id], ['0123456789abcdef01234567']]) {
      const refused = await api(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { content: 'again', attachments })
      expect(refused.status, attachments.join()).toBe(400)
      expect(refused.body.data.code).toBe('validation_failed')
      expect(refused.body.data.issues[0].path[0]).toBe('attachments')
    }
    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { attachments: [fresh.id, fresh.id] })).status).toBe(400)
    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { attachments: Array(11).fill(fresh.id) })).status).toBe(400)
    const history = await api(baseUrl(), ana, 'GET', `/api/chats/${chat}/messages`)
    expect(history.body.items.map((message: { content: string }) => message.content)).toEqual(['once'])
    // The refused sends left `fresh` free to send.
    expect((await api(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { attachments: [fresh.id] })).status).toBe(201)
  })

  it('lets only one of two sends racing for the same file through', async () => {
    const ana = await signUp(baseUrl(), 'race')
    const chat = await groupOf(baseUrl(), ana)
    const file = await uploaded(baseUrl(), ana, chat, PDF)
    const socket = await TestSocket.connect(baseUrl(), { token: ana.token })
    try {
      const [http, ws] = await Promise.all([
        api(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { content: 'http', clientId: 'race-http', attachments: [file.id] }),
        socket.request({ type: 'message.send', chatId: chat, clientId: 'race-ws', content: 'ws', attachments: [file.id] }),
      ])
      const outcomes = [http.status === 201 ? 'sent' : http.body.data.code, ws.type === 'ack' ? 'sent' : ws.code].sort()
      expect(outcomes).toEqual(['sent', 'validation_failed'])
    }
    finally {
      socket.close()
    }
    const history = await api(baseUrl(), ana, 'GET', `/api/chats/${chat}/messages`)
    expect(history.body.items).toHaveLength(1)
    // The winner's retry with its clientId answers the original, not a refusal.
    const winner = history.body.items[0]
    const replay = await api(baseUrl(), ana, 'POST', `/api/chats/${chat}/messages`, { content: winner.content, clientId: winner.clientId, attachments: [file.id] })
    expect([replay.status, replay.body.id]).toEqual([200, winner.id])
  })

  it('lists the Files panel newest first in pages, and a deleted message takes its files', async () => {
    const [ana, ben, eve] = await Promise.all([signUp(baseUrl(), 'pan'), signUp(baseUrl(), 'pan'), signUp(baseUrl(), 'pan')])
    const chat = await groupOf(baseUrl(), ana, [ben])
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const file = await uploaded(baseUrl(), i % 2 ? ben : ana, chat, Buffer.from(`file ${i}`), { name: `f${i}.txt` })
      const sent = await api(baseUrl(), i % 2 ? ben : ana, 'POST', `/api/chats/${chat}/messages`, { content: `m${i}`, attachments: [file.id] })
      ids.push(sent.body.id)
    }
    const first = await api(baseUrl(), ben, 'GET', `/api/chats/${chat}/attachments?limit=3`)
    expect(first.status).toBe(200)
    expect(first.body.items.map((item: { name: string }) => item.name)).toEqual(['f4.txt', 'f3.txt', 'f2.txt'])
    expect(first.body.items[0]).toMatchObject({ messageId: ids[4], senderId: ana.id, type: 'text/plain' })
    const second = await api(baseUrl(), ben, 'GET', `/api/chats/${chat}/attachments?limit=3&before=${first.body.nextCursor}`)
    expect(second.body).toMatchObject({ items: [{ name: 'f1.txt' }, { name: 'f0.txt' }], nextCursor: null })
    expect((await api(baseUrl(), eve, 'GET', `/api/chats/${chat}/attachments`)).status).toBe(404)

    const doomed = (await api(baseUrl(), ana, 'GET', `/api/chats/${chat}/attachments?limit=1`)).body.items[0]
    expect((await api(baseUrl(), ana, 'DELETE', `/api/messages/${ids[4]}`)).status).toBe(204)
    expect((await download(baseUrl(), ana, doomed.url)).status).toBe(404)
    const after = await api(baseUrl(), ana, 'GET', `/api/chats/${chat}/attachments`)
    expect(after.body.items.map((item: { name: string }) => item.name)).toEqual(['f3.txt', 'f2.txt', 'f1.txt', 'f0.txt'])
    const tombstone = (await api(baseUrl(), ana, 'GET', `/api/chats/${chat}/messages`)).body.items.at(-1)
    expect(tombstone).toMatchObject({ deletedAt: expect.any(String), attachments: [] })
  })

  it('quotes a reply\'s files by name, so a photo without words is not taken for a deleted message (docs/api.md, "Message")', async () => {
    const [ana, ben] = await Promise.all([signUp(baseUrl(), 'rep'), signUp(baseUrl(), 'rep')])
    const chat = await groupOf(baseUrl(), ana, [ben])
    const send = (user: typeof ana, body: object) => api<Message>(baseUrl(), user, 'POST', `/api/chats/${chat}/messages`, body).then(result => result.body)
    const photo = await send(ana, { attachments: [(await uploaded(baseUrl(), ana, chat, await png(), { name: 'beach.png', type: 'image/png' })).id] })
    const two = await Promise.all(['a.txt', 'b.txt'].map(name => uploaded(baseUrl(), ana, chat, Buffer.from(name), { name })))
    const notes = await send(ana, { content: 'the notes', attachments: two.map(file => file.id) })
    const toPhoto = await send(ben, { content: 'what a view', replyToId: photo.id })
    expect(toPhoto.replyTo).toEqual({ id: photo.id, seq: photo.seq, senderId: ana.id, content: '', deleted: false, attachmentNames: ['beach.png'] })
    const socket = await TestSocket.connect(baseUrl(), { token: ben.token })
    try {
      const ack = await socket.request({ type: 'message.send', chatId: chat, clientId: 'to-notes', content: 'thanks', replyToId: notes.id })
      expect(ack).toMatchObject({ type: 'ack', message: { replyTo: { content: 'the notes', deleted: false, attachmentNames: ['a.txt', 'b.txt'] } } })
    }
    finally {
      socket.close()
    }
    // Read back (the reply targets' files are loaded with the page), and once the photo is deleted.
    const quotes = async () => (await api<{ items: Message[] }>(baseUrl(), ben, 'GET', `/api/chats/${chat}/messages`)).body.items.flatMap(message => message.replyTo ?? [])
    expect((await quotes()).map(quote => [quote.deleted, quote.attachmentNames])).toEqual([[false, ['beach.png']], [false, ['a.txt', 'b.txt']]])
    expect((await api(baseUrl(), ana, 'DELETE', `/api/messages/${photo.id}`)).status).toBe(204)
    expect((await quotes())[0]).toEqual({ id: photo.id, seq: photo.seq, senderId: ana.id, content: '', deleted: true, attachmentNames: [] })
  })

  it('takes a multipart upload and a raw one with the same result; a member only', async () => {
    const [ana, eve] = await Promise.all([signUp(baseUrl(), 'mp'), signUp(baseUrl(), 'mp')])
    const chat = await groupOf(baseUrl(), ana)
    const multipart = await uploaded(baseUrl(), ana, chat, PDF, { name: 'a.pdf', multipart: true, type: 'application/pdf' })
    const raw = await uploaded(baseUrl(), ana, chat, PDF, { name: 'a.pdf' })
    expect({ ...multipart, id: '', url: '', createdAt: '' }).toEqual({ ...raw, id: '', url: '', createdAt: '' })
    expect((await upload(baseUrl(), eve, chat, PDF)).status).toBe(404)
    const noFile = await fetch(`${baseUrl()}/api/chats/${chat}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${ana.token}` }, body: new FormData() })
    expect(noFile.status).toBe(400)
  })
})
