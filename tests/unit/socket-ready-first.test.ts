import { EventEmitter } from 'node:events'
import type { WebSocket } from 'ws'
import { describe, expect, it } from 'vitest'
import type { ReadyChat, ServerFrame } from '#shared/types/api'
import type { Actor } from '../../server/utils/auth'
import type { Connection, Hub } from '../../server/services/realtime/hub'
import type { FrameHandlers } from '../../server/services/realtime/frames/router'
import { createSockets } from '../../server/services/realtime/socket'

// The contract's first server frame is `ready`. A client that sends as soon as its socket
// opens (a Bearer upgrade: authenticated before `open`) had its `ping`, a malformed frame and
// a `read` answered while `ready`'s chat list was still being read: `pong`, `error` and `ack`
// came first in about half the runs. Here that read is held until the early frames are in,
// so the order does not depend on the machine (docs/api-realtime.md, "ready first").

class FakeSocket extends EventEmitter {
  readonly OPEN = 1
  readonly CONNECTING = 0
  readonly CLOSED = 3
  readyState = 1
  bufferedAmount = 0
  readonly sent: ServerFrame[] = []
  private waiters: { count: number, resolve: () => void }[] = []
  send(bytes: Buffer | string): void {
    this.sent.push(JSON.parse(bytes.toString()) as ServerFrame)
    this.waiters = this.waiters.filter(waiter => (this.sent.length >= waiter.count ? (waiter.resolve(), false) : true))
  }

  close(): void {
    this.readyState = this.CLOSED
  }

  terminate(): void {
    this.readyState = this.CLOSED
  }

  ping(): void {}
  /** Resolves once `count` frames were sent. */
  sentCount(count: number): Promise<void> {
    return new Promise(resolve => (this.sent.length >= count ? resolve() : this.waiters.push({ count, resolve })))
  }

  receive(text: string): void {
    this.emit('message', Buffer.from(text), false)
  }
}

/** The hub's part the socket uses; `markReady` sends `ready`, then what waited for it (as hub.ts). */
const fakeHub = {
  register: () => {},
  unregister: () => {},
  subscribeChats: async () => {},
  markReady: (connection: Connection, first: ServerFrame) => {
    const backlog = connection.backlog ?? []
    connection.backlog = null
    connection.send(first)
    for (const frame of backlog) connection.send(frame)
  },
} as unknown as Hub

const frames = {
  ping: async frame => ({ type: 'pong', id: frame.id }),
  read: async frame => ({ type: 'ack', id: frame.id }),
} as Partial<FrameHandlers> as FrameHandlers

const actor = {
  userId: '64b000000000000000000001',
  sessionId: '64b0000000000000000000aa',
  role: 'user',
  user: { _id: '64b000000000000000000001', username: 'ana', displayName: 'Ana', role: 'user', createdAt: new Date(0) },
  session: {},
} as unknown as Actor

describe('frames sent right after the socket opens', () => {
  it('are answered after ready, in the order they were sent, none lost', async () => {
    let releaseChats!: (chats: ReadyChat[]) => void
    const chatsRead = new Promise<ReadyChat[]>(resolve => (releaseChats = resolve))
    const sockets = createSockets({
      hub: fakeHub,
      presence: { of: () => ({ online: true, lastSeenAt: null }), socketOpened: () => {}, socketClosed: () => {} },
      cap: { release: () => {} },
      admit: async () => ({ refusal: 'unauthorized' }),
      frames,
      readyChats: () => chatsRead,
    })
    const ws = new FakeSocket()
    sockets.accept(ws as unknown as WebSocket, actor)

    // What a client sends on `open`, while the server still reads ready's chats.
    ws.receive(JSON.stringify({ type: 'ping', id: 'p1' }))
    ws.receive('{not json')
    ws.receive(JSON.stringify({ type: 'read', id: 'r1', chatId: '64b0000000000000000000c1', seq: 3 }))
    // Every answer that needs no waiting has been given by now.
    await new Promise(resolve => setImmediate(resolve))
    releaseChats([])

    await ws.sentCount(4)
    expect(ws.sent.map(frame => frame.type)).toEqual(['ready', 'pong', 'error', 'ack'])
    expect(ws.sent.slice(1).map(frame => 'id' in frame ? frame.id : undefined)).toEqual(['p1', undefined, 'r1'])
  })
})
