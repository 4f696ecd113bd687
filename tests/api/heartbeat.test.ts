import { createConnection, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { signUp } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

// A socket's timers, on an instance whose intervals are shortened (30 s, 60 s and 10 s in
// production). A socket that answers must survive twice the silence limit: the limit is
// ten pings long, so a test process the machine's load stalls for up to 1.8 s still
// answers in time; what these tests wait for is an outcome, never a deadline.
const PING_MS = 200
const SILENCE_MS = 2_000
let server: RunningServer

beforeAll(async () => {
  server = await startServer({
    mongoUri: inject('mongoUri'),
    env: { NUXT_TIMINGS_WS_PING_MS: String(PING_MS), NUXT_TIMINGS_WS_SILENCE_MS: String(SILENCE_MS), NUXT_TIMINGS_WS_AUTH_TIMEOUT_MS: '300' },
  })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

/** A WebSocket peer that completes the handshake and then never answers anything. */
function silentPeer(port: number, token: string): Promise<{ socket: Socket, gotPing: Promise<void>, ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.write([
        'GET /ws HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', `Authorization: Bearer ${token}`, '', '',
      ].join('\r\n'))
    })
    let pinged: () => void
    const gotPing = new Promise<void>(r => (pinged = r))
    const ended = new Promise<void>(r => socket.once('close', () => r()))
    let buffer = Buffer.alloc(0)
    let upgraded = false
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end === -1) return
        if (!buffer.subarray(0, end).toString().startsWith('HTTP/1.1 101')) return reject(new Error('upgrade refused'))
        upgraded = true
        buffer = buffer.subarray(end + 4)
        resolve({ socket, gotPing, ended })
      }
      // Server frames are unmasked; opcode 0x9 is a ping. Consume whole frames only.
      for (;;) {
        if (buffer.length < 2) break
        let length = buffer[1]! & 0x7f
        let header = 2
        if (length === 126) {
          if (buffer.length < 4) break
          length = buffer.readUInt16BE(2)
          header = 4
        }
        else if (length === 127) {
          if (buffer.length < 10) break
          length = Number(buffer.readBigUInt64BE(2))
          header = 10
        }
        if (buffer.length < header + length) break
        if ((buffer[0]! & 0x0f) === 0x9) pinged()
        buffer = buffer.subarray(header + length)
      }
    })
    socket.once('error', reject)
  })
}

describe('socket timers: heartbeat and authentication deadline', () => {
  it('pings sockets and keeps those that answer', async () => {
    const user = await signUp(server.baseUrl, 'beat')
    const socket = await TestSocket.connect(server.baseUrl, { token: user.token })
    // These pings span twice the silence limit: a socket that answers them stays.
    await new Promise<void>((resolve) => {
      let pings = 0
      socket.ws.on('ping', () => ++pings === (2 * SILENCE_MS) / PING_MS && resolve())
    })
    expect(socket.isOpen).toBe(true)
    await socket.close()
  })

  it('drops a socket that stays silent', async () => {
    const user = await signUp(server.baseUrl, 'mute')
    const peer = await silentPeer(server.port, user.token)
    await peer.gotPing
    await peer.ended
    expect(peer.socket.destroyed).toBe(true)
  })

  it('closes a socket that does not authenticate in time with 4401', async () => {
    const socket = await TestSocket.connect(server.baseUrl)
    expect((await socket.closed).code).toBe(4401)
  })
})
