import WebSocket from 'ws'

// A small WebSocket client for tests: connect with a cookie, a Bearer header or nothing
// (in-band auth), collect every frame, wait for one matching a predicate with a deadline.

export interface Frame { type: string, id?: string, [key: string]: unknown }

export interface ConnectOptions {
  token?: string
  via?: 'bearer' | 'cookie'
  origin?: string
  headers?: Record<string, string>
}

export function wsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ws`
}

function headersFor(options: ConnectOptions): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token && (options.via ?? 'bearer') === 'bearer') headers.authorization = `Bearer ${options.token}`
  if (options.token && options.via === 'cookie') headers.cookie = `chat_access=${encodeURIComponent(options.token)}`
  if (options.origin) headers.origin = options.origin
  return headers
}

export class TestSocket {
  readonly frames: Frame[] = []
  readonly closed: Promise<{ code: number, reason: string }>
  private waiters = new Set<() => void>()
  private counter = 0

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      this.frames.push(JSON.parse(data.toString('utf8')) as Frame)
      for (const wake of [...this.waiters]) wake()
    })
    this.closed = new Promise(resolve => ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() })
      for (const wake of [...this.waiters]) wake()
    }))
  }

  /** Opens a socket; for an authenticated one, waits for `ready`. */
  static async connect(baseUrl: string, options: ConnectOptions = {}, { waitReady = !!options.token } = {}): Promise<TestSocket> {
    const ws = new WebSocket(wsUrl(baseUrl), { headers: headersFor(options) })
    const socket = new TestSocket(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)))
      ws.once('error', reject)
    })
    if (waitReady) await socket.waitFor(frame => frame.type === 'ready')
    return socket
  }

  /** The HTTP status of an upgrade the server refuses (or 101 when it accepts). */
  static async upgradeStatus(baseUrl: string, options: ConnectOptions = {}): Promise<number> {
    return (await TestSocket.upgrade(baseUrl, options)).status
  }

  /** The upgrade's answer: 101, or the refusal's status, headers and JSON body. */
  static async upgrade(baseUrl: string, options: ConnectOptions = {}): Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: unknown }> {
    const ws = new WebSocket(wsUrl(baseUrl), { headers: headersFor(options) })
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.close()
        resolve({ status: 101, headers: {}, body: null })
      })
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let body: unknown = text
          try {
            body = JSON.parse(text)
          }
          catch { /* not JSON: kept as text */ }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
        })
      })
      ws.once('error', reject)
    })
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame))
  }

  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.ws.send(data, { binary: options.binary ?? false })
  }

  /** Sends a frame with a fresh `id` and waits for its `ack` or `error`. */
  async request(frame: Record<string, unknown>, timeoutMs = 15_000): Promise<Frame> {
    const id = `r${++this.counter}-${Math.random().toString(36).slice(2, 8)}`
    this.send({ ...frame, id })
    return this.waitFor(answer => answer.id === id && (answer.type === 'ack' || answer.type === 'error'), timeoutMs)
  }

  /** The first frame (already received or still to come) matching `predicate`. */
  async waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 15_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.frames.find(predicate)
      if (found) return found
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting; frames: ${JSON.stringify(this.frames.slice(-5))}`)
      const remaining = deadline - Date.now()
      if (remaining <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-5))}`)
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer)
          this.waiters.delete(wake)
          resolve()
        }
        const timer = setTimeout(wake, remaining)
        this.waiters.add(wake)
      })
    }
  }

  /** Waits until `count` frames match. */
  async waitForCount(predicate: (frame: Frame) => boolean, count: number, timeoutMs = 30_000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.frames.filter(predicate)
      if (found.length >= count) return found
      if (Date.now() > deadline) throw new Error(`only ${found.length} of ${count} frames within ${timeoutMs} ms`)
      await this.waitFor(() => this.frames.filter(predicate).length >= count, Math.max(1, deadline - Date.now())).catch(() => {})
    }
  }

  /** Closes and waits for the close to finish. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close()
    await this.closed
  }
}

/**
 * The sockets one test file opens, closed together in its afterAll:
 * `const sockets = socketPool(baseUrl); afterAll(() => sockets.closeAll())`.
 */
export function socketPool(baseUrl: () => string) {
  const open: TestSocket[] = []
  return {
    async connect(user: { token: string }, via: 'bearer' | 'cookie' = 'bearer'): Promise<TestSocket> {
      const socket = await TestSocket.connect(baseUrl(), { token: user.token, via })
      open.push(socket)
      return socket
    },
    async closeAll(): Promise<void> {
      await Promise.all(open.map(socket => socket.close()))
    },
  }
}

/** A predicate for the `message.created` frames of one chat. */
export const isCreated = (chatId: string) => (frame: Frame) => frame.type === 'message.created' && frame.chatId === chatId
