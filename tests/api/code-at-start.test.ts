import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ROOT, startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, call, signUp } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// Once started, the server reads none of its own code from disk again (nuxt.config.ts,
// `inlineDynamicImports`; docs/guarantees.md, "Code is loaded at start"). With a route per
// lazily imported chunk, an import that failed once (too many open files, a deploy
// replacing the directory) was remembered by h3: that route answered 500 until a restart,
// while every other route worked. Here the server runs from a copy of the build whose own
// code is deleted as soon as it is up; every kind of request still works.

let server: RunningServer
let copy: string

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'parley-build-copy-'))
  const built = join(ROOT, '.output')
  cpSync(join(built, 'server'), join(copy, 'server'), { recursive: true, filter: source => !source.includes('node_modules') })
  // The libraries and the static files stay where they are: only Parley's own code goes.
  symlinkSync(join(built, 'server', 'node_modules'), join(copy, 'server', 'node_modules'))
  symlinkSync(join(built, 'public'), join(copy, 'public'))
  server = await startServer({ mongoUri: inject('mongoUri'), entry: join(copy, 'server', 'index.mjs') })
  for (const entry of readdirSync(join(copy, 'server'))) {
    if (entry !== 'node_modules') rmSync(join(copy, 'server', entry), { recursive: true, force: true })
  }
}, 120_000)

afterAll(async () => {
  await server?.stop()
  if (copy) rmSync(copy, { recursive: true, force: true })
})

describe('a server whose build directory lost its code after start', () => {
  it('still signs people up, renders pages, sends over HTTP and WebSocket', async () => {
    const [ada, bob] = [await signUp(server.baseUrl, 'atstart'), await signUp(server.baseUrl, 'atstart')]
    const page = await call(server.baseUrl, '/login', { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    expect(String(page.body)).toContain('<html')

    const chat = await api(server.baseUrl, ada, 'POST', '/api/chats', { type: 'direct', userId: bob.id })
    expect(chat.status).toBe(201)
    const chatId = chat.body.id as string
    const sent = await api(server.baseUrl, ada, 'POST', `/api/chats/${chatId}/messages`, { content: 'over HTTP', clientId: 'at-start-1' })
    expect(sent.status).toBe(201)

    const socket = await TestSocket.connect(server.baseUrl, { token: bob.token })
    try {
      const ack = await socket.request({ type: 'message.send', chatId, content: 'over the socket', clientId: 'at-start-2' })
      expect(ack.type).toBe('ack')
    }
    finally {
      await socket.close()
    }
    const history = await api(server.baseUrl, ada, 'GET', `/api/chats/${chatId}/messages`)
    expect(history.status).toBe(200)
    expect(history.body.items.map((message: { content: string }) => message.content)).toEqual(['over HTTP', 'over the socket'])
  })
})
