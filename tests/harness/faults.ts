import type { ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { freePort, startFerretdb } from '../../scripts/lib/ferretdb.mjs'
import { startDatabase, type RunningServer } from '../../scripts/lib/stack.mjs'
import type { Message } from '#shared/types/api'
import { api, type TestUser } from './api-client'
import { spawnRedis, waitForPort } from '../../scripts/lib/redis.mjs'
import { TestSocket } from './ws-client'

// Fault tests break real processes on purpose: the embedded database (FerretDB), a
// redis-server and built server instances are stalled (SIGSTOP), resumed (SIGCONT),
// killed (SIGKILL) and restarted on the same data. A client model with an outbox (the
// app's own behaviour: resend unacked sends with the same clientId, reconnect, catch up)
// drives them, and the checks compare what was acked with what is stored.

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  }
  catch {
    return []
  }
}

/** Whether every thread of `pid` is stopped (state T), or the process is gone. */
function allThreadsStopped(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).every(tid => readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('T'))
  }
  catch {
    return true
  }
}

/**
 * SIGSTOP, and back once the process has really stopped: on a loaded machine a thread stops
 * only when it is next scheduled, and the engine was seen answering for 50 ms after the
 * signal, so a request sent "during the stall" was served before it.
 */
async function stopProcess(pid: number | undefined): Promise<void> {
  if (pid === undefined) return
  process.kill(pid, 'SIGSTOP')
  while (!allThreadsStopped(pid)) await new Promise(resolve => setTimeout(resolve, 5))
}

/** The embedded database, with its engine process at hand (the shell watchdog wraps it). */
export interface FaultDatabase {
  uri: string
  stall: () => Promise<void>
  resume: () => void
  /** SIGKILL the engine, wait `downMs`, then start it again on the same data and port. */
  killAndRestart: (downMs?: number) => Promise<void>
  stop: () => Promise<void>
}

export async function startFaultDatabase(): Promise<FaultDatabase> {
  const first = await startDatabase()
  let current: { pid: number | undefined, process: ChildProcess, stop: () => Promise<void> } = first
  const engine = () => {
    const pid = current.pid !== undefined ? childrenOf(current.pid)[0] : undefined
    if (!pid) throw new Error('the database engine is not running')
    return pid
  }
  return {
    uri: first.uri,
    stall: () => stopProcess(engine()),
    resume: () => process.kill(engine(), 'SIGCONT'),
    async killAndRestart(downMs = 0) {
      // The watchdog shell exits once its engine is gone; the data directory stays.
      const watchdog = current.process
      const gone = watchdog.exitCode !== null ? Promise.resolve() : new Promise(resolve => watchdog.once('exit', resolve))
      process.kill(engine(), 'SIGKILL')
      await gone
      await new Promise(resolve => setTimeout(resolve, downMs))
      current = await startFerretdb({ dataDir: first.dataDir, port: first.port, log: () => {} })
    },
    async stop() {
      if (current !== first) await current.stop()
      await first.stop() // also removes the data directory
    },
  }
}

/** A redis-server that can be stalled, killed and started again on its port. */
export interface FaultRedis {
  url: string
  stall: () => Promise<void>
  resume: () => void
  kill: () => Promise<void>
  start: () => Promise<void>
  stop: () => Promise<void>
}

export async function startFaultRedis(): Promise<FaultRedis> {
  const port = await freePort()
  let child: ChildProcess | null = null
  const start = async () => {
    child = spawnRedis(port)
    await waitForPort(port)
  }
  const kill = async () => {
    const running = child
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise(resolve => running.once('exit', resolve))
    running.kill('SIGKILL')
    await exited
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    stall: () => stopProcess(child?.pid),
    resume: () => child?.kill('SIGCONT'),
    kill,
    start,
    async stop() {
      child?.kill('SIGCONT')
      await kill()
    },
  }
}

/** Every stored message of a chat, in seq order (history pages of 100). */
export async function storedMessages(baseUrl: string, user: TestUser, chatId: string): Promise<Message[]> {
  const all: Message[] = []
  for (;;) {
    const page = await api<{ items: Message[], hasMoreAfter: boolean }>(baseUrl, user, 'GET', `/api/chats/${chatId}/messages?after=${all.at(-1)?.seq ?? 0}&limit=100`)
    if (page.status !== 200) throw new Error(`history answered ${page.status}`)
    all.push(...page.body.items)
    if (!page.body.hasMoreAfter || page.body.items.length === 0) return all
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]!
}

interface OutboxItem { clientId: string, content: string, sentAt: number, ackedAt: number, ack: Message | null }

/**
 * A person's client as the app behaves: an outbox of sends (each with its clientId),
 * at most `window` unacked at once, every unacked one resent after a reconnect or an
 * `unavailable`/`rate_limited` answer; live `message.created` frames plus a history
 * catch-up after each `ready` make its view of the chat.
 */
export class OutboxClient {
  readonly items: OutboxItem[] = []
  readonly latencies: number[] = []
  readonly errors = new Map<string, number>()
  readonly view = new Map<number, string>()
  /** When each seq first reached this client live (not through a catch-up). */
  readonly liveAt = new Map<number, number>()
  socket: TestSocket | null = null
  private inFlight = new Set<string>()
  private stopped = false
  reconnects = 0

  constructor(readonly user: TestUser, readonly chatId: string, private server: () => RunningServer, private window = 4) {}

  async connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const socket = await TestSocket.connect(this.server().baseUrl, { token: this.user.token })
        this.socket = socket
        this.inFlight.clear()
        socket.ws.on('message', (data) => {
          const frame = JSON.parse(data.toString()) as { type: string, chatId?: string, message?: Message }
          if (frame.type === 'message.created' && frame.chatId === this.chatId && frame.message) {
            this.view.set(frame.message.seq, frame.message.id)
            if (!this.liveAt.has(frame.message.seq)) this.liveAt.set(frame.message.seq, Date.now())
          }
        })
        void socket.closed.then(() => {
          if (this.socket === socket && !this.stopped) {
            this.socket = null
            this.reconnects++
            void this.connect()
          }
        })
        await this.catchUp()
        this.pump()
        return
      }
      catch {
        if (this.stopped) return
        await new Promise(resolve => setTimeout(resolve, Math.min(200 * (attempt + 1), 1_000)))
      }
    }
  }

  /** What a reconnecting client does: read what it missed. */
  async catchUp(): Promise<void> {
    const stored = await storedMessages(this.server().baseUrl, this.user, this.chatId).catch(() => [])
    for (const message of stored) this.view.set(message.seq, message.id)
  }

  /** Adds `count` sends; `length` pads each content to that many characters. */
  enqueue(count: number, prefix: string, length = 0): void {
    for (let i = 0; i < count; i++) this.items.push({ clientId: `${prefix}-${i}`, content: `${prefix} message ${i}`.padEnd(length, '.'), sentAt: 0, ackedAt: 0, ack: null })
    this.pump()
  }

  get acked(): OutboxItem[] {
    return this.items.filter(item => item.ack)
  }

  get done(): boolean {
    return this.items.every(item => item.ack)
  }

  private pump(): void {
    const socket = this.socket
    if (!socket?.isOpen) return
    for (const item of this.items) {
      if (this.inFlight.size >= this.window) return
      if (item.ack || this.inFlight.has(item.clientId)) continue
      this.inFlight.add(item.clientId)
      item.sentAt ||= Date.now()
      socket.request({ type: 'message.send', chatId: this.chatId, content: item.content, clientId: item.clientId }, 60_000)
        .then(async (answer) => {
          if (answer.type === 'ack') {
            item.ack = answer.message as Message
            item.ackedAt = Date.now()
            this.latencies.push(Date.now() - item.sentAt)
            this.inFlight.delete(item.clientId)
            this.pump()
            return
          }
          const code = String(answer.code)
          this.errors.set(code, (this.errors.get(code) ?? 0) + 1)
          await new Promise(resolve => setTimeout(resolve, code === 'unavailable' || code === 'rate_limited' ? 500 : 100))
          if (this.socket === socket) {
            this.inFlight.delete(item.clientId)
            this.pump()
          }
        })
        .catch(() => {}) // the socket closed: the reconnect resends it
    }
  }

  /** Waits (polling) until every item is acked. */
  async settle(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.done) {
      if (Date.now() > deadline) throw new Error(`${this.items.length - this.acked.length} sends of ${this.user.username} never acked; errors ${JSON.stringify([...this.errors])}`)
      this.pump()
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }

  async close(): Promise<void> {
    this.stopped = true
    await this.socket?.close()
  }
}

export interface Figures {
  acked: number
  stored: number
  lost: number
  duplicated: number
  foreign: number
  [extra: string]: number | string
}

/**
 * Compares what the clients were told with what is stored: every ack names a stored
 * message of its sender with its clientId and content (`foreign` counts acks naming
 * someone else's message), every clientId is stored once (`duplicated`), nothing acked
 * is missing (`lost`), and each client's view equals the stored order.
 */
export function checkChat(clients: OutboxClient[], stored: Message[]): Figures & { viewsMatching: number } {
  const byId = new Map(stored.map(message => [message.id, message]))
  const perClientId = new Map<string, number>()
  for (const message of stored) if (message.clientId) perClientId.set(`${message.sender.id}:${message.clientId}`, (perClientId.get(`${message.sender.id}:${message.clientId}`) ?? 0) + 1)
  let acked = 0
  let lost = 0
  let foreign = 0
  for (const client of clients) {
    for (const item of client.acked) {
      acked++
      const message = byId.get(item.ack!.id)
      if (!message) lost++
      else if (message.sender.id !== client.user.id || message.clientId !== item.clientId || message.content !== item.content) foreign++
    }
  }
  const duplicated = [...perClientId.values()].reduce((sum, count) => sum + count - 1, 0)
  const storedOrder = stored.map(message => `${message.seq}:${message.id}`).join(',')
  const viewsMatching = clients.filter(client => [...client.view].sort((a, b) => a[0] - b[0]).map(([seq, id]) => `${seq}:${id}`).join(',') === storedOrder).length
  return { acked, stored: stored.length, lost, duplicated, foreign, viewsMatching }
}

export function printFigures(name: string, figures: Record<string, number | string>): void {
  console.log(`[faults] ${name}: ${Object.entries(figures).map(([key, value]) => `${key}=${value}`).join(' ')}`)
}
