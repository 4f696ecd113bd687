import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import { WS_CLOSE, type ReadyChat, type ServerFrame } from '#shared/types/api'
import { toMe } from '../../dto/users'
import { UserModel, type UserRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError, errorFrame, toApiError } from '../../utils/errors'
import { errorFrames, errorName, logger } from '../../utils/logger'
import { resilienceSettings, withDeadline } from '../../utils/resilience'
import type { Admit, AdmissionRefusal } from './admission'
import { isShuttingDown } from '../../utils/shutdown'
import { parseFrame, routeFrame, type FrameHandlers } from './frames/router'
import type { Connection, Hub } from './hub'
import type { PresenceTracker } from './presence'
import { encodeFrame } from './frame-encoding'
import type { SocketCap } from './socket-cap'
import type { UpgradePlace } from './upgrade-gate'
import { forgetSocketVisibility } from './visibility'

// One WebSocket's life: authentication (on the upgrade or in-band, within
// NUXT_TIMINGS_WS_AUTH_TIMEOUT_MS), `ready`, frames one at a time through the router
// (./frames/), flood control, the heartbeat (a ping every NUXT_TIMINGS_WS_PING_MS, dropped
// after NUXT_TIMINGS_WS_SILENCE_MS of silence), slow consumers and the close.
// docs/api-realtime.md describes the choices.

/** How an in-band `auth` that is not let in closes (the upgrade answers the same refusals with HTTP, routes/ws.ts). */
const REFUSAL_CLOSE: Record<AdmissionRefusal, [code: number, reason: string]> = {
  'busy': [WS_CLOSE.tryAgainLater, 'busy: reconnect shortly'],
  'database-unavailable': [WS_CLOSE.tryAgainLater, 'database unavailable'],
  'server-error': [WS_CLOSE.tryAgainLater, 'server error'],
  'unauthorized': [WS_CLOSE.unauthorized, 'invalid token'],
  'two-factor-setup-required': [WS_CLOSE.twoFactorSetupRequired, 'two_factor_setup_required'],
  'too-many-sockets': [WS_CLOSE.policyViolation, 'too many sockets'],
  // Only an upgrade names the account it expects: an in-band `auth` never meets this.
  'account-changed': [WS_CLOSE.unauthorized, 'account changed'],
}

/** Sends refused for rate within FLOOD_WINDOW_MS before the socket is closed with 1008. */
const FLOOD_REJECTIONS = 30
const FLOOD_WINDOW_MS = 10_000
/** How long a slow consumer's close handshake may take before its connection is cut. */
const SLOW_CONSUMER_CLOSE_MS = 1_000

interface SocketSession {
  connection: Connection | null
  auth: Actor | null
  lastHeard: number
  authTimer: NodeJS.Timeout | null
  rejections: number[]
  queue: Promise<void>
  closed: boolean
}

export interface SocketDeps {
  hub: Hub
  presence: Pick<PresenceTracker, 'of' | 'socketOpened' | 'socketClosed'>
  cap: Pick<SocketCap, 'release'>
  /** The admission of an in-band `auth` (admission.ts; the upgrade's goes through it too). */
  admit: Admit
  frames: FrameHandlers
  /** `ready.chats`: the user's chats with their counters. */
  readyChats: (userId: string) => Promise<ReadyChat[]>
}

export interface Sockets {
  /**
   * Starts serving a socket whose upgrade was accepted; `auth` is null for in-band
   * authentication. `place` (the upgrade gate's) is given back once `ready` went out.
   */
  accept: (ws: WebSocket, auth: Actor | null, place?: UpgradePlace) => void
  /** Pings every socket; one silent for longer than the limit is dropped. */
  heartbeat: () => void
  /** Closes every authenticated socket now (their clients reconnect and catch up). */
  closeAuthenticated: (code: number, reason: string) => void
  /** Closes every socket and waits (up to `waitMs`) for the closing handshakes, then cuts the rest. */
  closeAll: (code: number, reason: string, waitMs?: number) => Promise<void>
}

/**
 * Sends a frame, unless the socket already holds more unsent bytes than the cap (4 MiB by
 * default, NUXT_LIMITS_WS_MAX_QUEUED_BYTES): a client that does not read is closed with 1013 and
 * cut a moment later (it reads nothing, so its close handshake would never end), and its
 * queue is freed. It catches up through `/changes` when it reconnects.
 */
function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState !== ws.OPEN) return
  const bytes = encodeFrame(frame)
  if (ws.bufferedAmount + bytes.length > resilienceSettings().socketQueueBytes) {
    logger.warn('slow consumer dropped', { queuedBytes: ws.bufferedAmount })
    ws.close(WS_CLOSE.tryAgainLater, 'too slow: reconnect and catch up')
    setTimeout(() => ws.terminate(), SLOW_CONSUMER_CLOSE_MS).unref()
    return
  }
  ws.send(bytes, { binary: false })
}

function closeSocket(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason)
}

function isFlooding(session: SocketSession): boolean {
  const now = Date.now()
  session.rejections = session.rejections.filter(at => now - at < FLOOD_WINDOW_MS)
  session.rejections.push(now)
  return session.rejections.length >= FLOOD_REJECTIONS
}

/** The sockets of this instance (server/services/realtime/index.ts builds the one the server uses). */
export function createSockets({ hub, presence, cap, admit, frames, readyChats }: SocketDeps): Sockets {
  const sockets = new Map<WebSocket, SocketSession>()

  function accept(ws: WebSocket, auth: Actor | null, place?: UpgradePlace): void {
    const session: SocketSession = {
      connection: null, auth: null, lastHeard: Date.now(), authTimer: null,
      rejections: [], queue: Promise.resolve(), closed: false,
    }
    sockets.set(ws, session)
    ws.on('pong', () => (session.lastHeard = Date.now()))
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      session.lastHeard = Date.now()
      if (isBinary) {
        closeSocket(ws, WS_CLOSE.unsupportedData, 'binary frames are not accepted')
        return
      }
      // One frame at a time per socket: acks come back in the order the frames were sent.
      session.queue = session.queue.then(() => handleFrame(ws, session, data.toString('utf8')))
        .catch(error => logger.error('frame handling failed', { error: errorName(error) }))
    })
    ws.on('close', () => {
      session.closed = true
      sockets.delete(ws)
      if (session.authTimer) clearTimeout(session.authTimer)
      if (session.connection) {
        hub.unregister(session.connection)
        presence.socketClosed(session.connection.userId)
        forgetSocketVisibility(session.connection.userId, session.connection.id)
      }
    })
    ws.on('error', error => logger.debug('socket error', { error: errorName(error) }))

    if (auth) {
      // Frames the client sends on `open` queue behind `ready` (the contract's first frame),
      // as they queue behind an in-band `auth`: answered after it, in order.
      session.queue = activate(ws, session, auth, place)
        .catch(error => logger.error('socket activation failed', { error: errorName(error) }))
    }
    else {
      session.authTimer = setTimeout(() => {
        if (!session.auth) closeSocket(ws, WS_CLOSE.unauthorized, 'authentication timeout')
      }, serverConfig().timings.wsAuthTimeoutMs)
    }
  }

  async function activate(ws: WebSocket, session: SocketSession, auth: Actor, place?: UpgradePlace): Promise<void> {
    if (session.authTimer) clearTimeout(session.authTimer)
    session.authTimer = null
    session.auth = auth
    // The admission held a place in the user's cap; the socket now counts as open instead.
    cap.release(auth.userId)
    const connection: Connection = {
      id: randomUUID(),
      userId: auth.userId,
      sessionId: auth.sessionId,
      topics: new Set(),
      backlog: [],
      send: frame => sendFrame(ws, frame),
      close: (code, reason) => closeSocket(ws, code, reason),
      refreshUser: () => {
        UserModel.findById(auth.userId).lean<UserRecord>().exec()
          .then((user) => {
            if (user && session.auth) session.auth = { ...session.auth, role: user.role as Actor['role'], user }
          })
          .catch(error => logger.warn('socket user refresh failed', { error: errorName(error) }))
      },
    }
    // Registered first, so a chat joined while the list loads still reaches this socket.
    hub.register(connection)
    session.connection = connection
    presence.socketOpened(auth.userId)
    try {
      const chats = await readyChats(auth.userId)
      if (session.closed) return
      await hub.subscribeChats(connection, chats)
      if (session.closed) return
      hub.markReady(connection, { type: 'ready', user: toMe(auth.user, presence.of(auth.user)), sessionId: auth.sessionId, chats, serverTime: new Date().toISOString() })
    }
    catch (error) {
      logger.error('socket ready failed', { error: errorName(error) })
      closeSocket(ws, 1011, 'server error')
    }
    finally {
      place?.()
    }
  }

  /** The in-band `auth` frame of a socket that did not authenticate on the upgrade. */
  async function authenticate(ws: WebSocket, session: SocketSession, token: string): Promise<void> {
    const admission = await admit(token)
    if ('refusal' in admission) {
      closeSocket(ws, ...REFUSAL_CLOSE[admission.refusal])
      return
    }
    await activate(ws, session, admission.actor, admission.place)
  }

  async function handleFrame(ws: WebSocket, session: SocketSession, text: string): Promise<void> {
    // Frames queued behind a close (flooding, 4401, shutdown) are not handled: nothing is
    // stored that could not be acked.
    if (session.closed || ws.readyState !== ws.OPEN || isShuttingDown()) return
    const parsed = parseFrame(text)
    if (!session.auth) {
      // Before authentication only an `auth` frame is understood.
      if ('frame' in parsed && parsed.frame.type === 'auth') await authenticate(ws, session, parsed.frame.token)
      else closeSocket(ws, WS_CLOSE.unauthorized, 'authenticate first')
      return
    }
    if (!('frame' in parsed)) {
      sendFrame(ws, errorFrame(parsed.id, apiError('validation_failed', parsed.message)))
      return
    }
    const { frame } = parsed
    if (frame.type === 'auth') {
      sendFrame(ws, errorFrame(frame.id, apiError('validation_failed', 'This socket is already authenticated.')))
      return
    }
    try {
      // A stalled database answers `unavailable` within the deadline instead of never.
      const context = { actor: session.auth, connection: session.connection!, hub }
      const answer = await withDeadline(() => routeFrame(frames, frame, context))
      if (answer) sendFrame(ws, answer)
    }
    catch (error) {
      const { body } = toApiError(error)
      if (body.data.code === 'unavailable') logger.warn('frame answered unavailable', { type: frame.type, error: errorName(error) })
      else if (body.statusCode >= 500) logger.error('frame failed', { type: frame.type, error: errorName(error), at: errorFrames(error) })
      sendFrame(ws, errorFrame(frame.id, error))
      if (body.data.code === 'rate_limited' && isFlooding(session)) {
        closeSocket(ws, WS_CLOSE.policyViolation, 'flooding')
      }
    }
  }

  function heartbeat(): void {
    const now = Date.now()
    const silenceLimit = serverConfig().timings.wsSilenceMs
    for (const [ws, session] of sockets) {
      if (now - session.lastHeard > silenceLimit) {
        ws.terminate()
        continue
      }
      try {
        ws.ping()
      }
      catch {
        // closing already
      }
    }
  }

  function closeAuthenticated(code: number, reason: string): void {
    for (const [ws, session] of [...sockets]) if (session.connection) closeSocket(ws, code, reason)
  }

  async function closeAll(code: number, reason: string, waitMs = 2_000): Promise<void> {
    const closing = [...sockets.keys()].map(ws => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) return resolve()
      ws.once('close', () => resolve())
      closeSocket(ws, code, reason)
    }))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(closing), new Promise<void>(resolve => (timer = setTimeout(resolve, waitMs)))])
    clearTimeout(timer)
    for (const ws of sockets.keys()) ws.terminate()
  }

  return { accept, heartbeat, closeAuthenticated, closeAll }
}
