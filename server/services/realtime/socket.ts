import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import { clientFrameSchema, CLIENT_FRAME_TYPES, type ClientFrame } from '#shared/schemas/ws'
import { WS_CLOSE, type ServerFrame } from '#shared/types/api'
import { toMe } from '../../dto/users'
import { UserModel, type UserRecord } from '../../models'
import { type Actor, authenticateAccessToken } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError, errorFrame, isDatabaseUnavailable, toApiError } from '../../utils/errors'
import { errorName, logger } from '../../utils/logger'
import { resilienceSettings, withDeadline } from '../../utils/resilience'
import { isShuttingDown } from '../../utils/shutdown'
import { requireMember } from '../chats/access'
import { markRead } from '../chats/memberships'
import { readyChats } from '../chats/chat-list'
import { deleteMessage, editMessage, setReaction } from '../messages/changes'
import { sendMessage } from '../messages/send'
import { presenceOf, socketClosed, socketOpened, socketsEverywhere } from './presence'
import { publishToChat } from './bus'
import { isSubscribed, markReady, register, subscribeChats, unregister, type Connection } from './hub'

// One WebSocket connection: authentication (on the upgrade or in-band), frames parsed by
// the shared zod schemas and handed to the same services as the REST routes, heartbeat,
// typing throttle and flood control. docs/api-realtime.md describes the choices.

export const MAX_SOCKETS_PER_USER = 20
// The auth deadline, ping interval, silence limit and typing expiry are
// serverConfig().timings (NUXT_TIMINGS_WS_AUTH_TIMEOUT_MS, ..._WS_PING_MS,
// ..._WS_SILENCE_MS, ..._TYPING_TTL_MS), shortened by the tests that wait on them.
export const TYPING_THROTTLE_MS = 2_000
/** Sends refused for rate within FLOOD_WINDOW_MS before the socket is closed with 1008. */
export const FLOOD_REJECTIONS = 30
export const FLOOD_WINDOW_MS = 10_000

export interface SocketSession {
  connection: Connection | null
  auth: Actor | null
  lastHeard: number
  authTimer: NodeJS.Timeout | null
  rejections: number[]
  queue: Promise<void>
  closed: boolean
}

const sockets = new Map<WebSocket, SocketSession>()
/** `<userId>:<chatId>` → when its last typing event went out (throttled per user and chat). */
const typingSentAt = new Map<string, number>()

/** How long a slow consumer's close handshake may take before its connection is cut. */
const SLOW_CONSUMER_CLOSE_MS = 1_000

/**
 * Sends a frame, unless the socket already holds more unsent bytes than the cap (4 MiB by
 * default, NUXT_LIMITS_WS_MAX_QUEUED_BYTES): a client that does not read is closed with 1013 and
 * cut a moment later (it reads nothing, so its close handshake would never end), and its
 * queue is freed. It catches up through `/changes` when it reconnects.
 */
function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState !== ws.OPEN) return
  const text = JSON.stringify(frame)
  if (ws.bufferedAmount + Buffer.byteLength(text) > resilienceSettings().socketQueueBytes) {
    logger.warn('slow consumer dropped', { queuedBytes: ws.bufferedAmount })
    ws.close(WS_CLOSE.tryAgainLater, 'too slow: reconnect and catch up')
    setTimeout(() => ws.terminate(), SLOW_CONSUMER_CLOSE_MS).unref()
    return
  }
  ws.send(text)
}

function closeSocket(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason)
}

/** Starts serving a socket whose upgrade was accepted; `auth` is null for in-band authentication. */
export function acceptSocket(ws: WebSocket, auth: Actor | null): void {
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
      unregister(session.connection)
      socketClosed(session.connection.userId)
    }
  })
  ws.on('error', error => logger.debug('socket error', { error: errorName(error) }))

  if (auth) {
    // The upgrade held a place; the socket now counts as open instead.
    releaseSocketPlace(auth.userId)
    void activate(ws, session, auth)
  }
  else {
    session.authTimer = setTimeout(() => {
      if (!session.auth) closeSocket(ws, WS_CLOSE.unauthorized, 'authentication timeout')
    }, serverConfig().timings.wsAuthTimeoutMs)
  }
}

async function activate(ws: WebSocket, session: SocketSession, auth: Actor): Promise<void> {
  if (session.authTimer) clearTimeout(session.authTimer)
  session.authTimer = null
  session.auth = auth
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
  register(connection)
  session.connection = connection
  socketOpened(auth.userId)
  try {
    const chats = await readyChats(auth.userId)
    if (session.closed) return
    subscribeChats(connection, chats)
    markReady(connection, { type: 'ready', user: toMe(auth.user, presenceOf(auth.user)), sessionId: auth.sessionId, chats })
  }
  catch (error) {
    logger.error('socket ready failed', { error: errorName(error) })
    closeSocket(ws, 1011, 'server error')
  }
}

/**
 * Whether another socket of this user would pass the per-user cap, counted on every
 * instance, places held for accepted upgrades included (checked on an in-band `auth`).
 */
export function hasSocketRoom(userId: string): boolean {
  return socketsEverywhere(userId) + heldPlaces(userId) < MAX_SOCKETS_PER_USER
}

/** How long an accepted upgrade holds its place before its socket opens (one that never opens lets go). */
const PLACE_HOLD_MS = 10_000
/** user → when each place held for an accepted upgrade lets go. */
const placesHeld = new Map<string, number[]>()

function heldPlaces(userId: string): number {
  const now = Date.now()
  const held = (placesHeld.get(userId) ?? []).filter(until => until > now)
  if (held.length > 0) placesHeld.set(userId, held)
  else placesHeld.delete(userId)
  return held.length
}

/**
 * The upgrade's check: takes a place if there is one. The socket opens a moment later, so
 * the place is held until then: upgrades racing on one instance cannot pass the cap together.
 */
export function holdSocketPlace(userId: string): boolean {
  if (!hasSocketRoom(userId)) return false
  placesHeld.set(userId, [...(placesHeld.get(userId) ?? []), Date.now() + PLACE_HOLD_MS])
  return true
}

function releaseSocketPlace(userId: string): void {
  const held = placesHeld.get(userId)
  held?.shift()
  if (held?.length === 0) placesHeld.delete(userId)
}

function parseFrame(text: string): { frame: ClientFrame } | { id?: string, message: string } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  }
  catch {
    return { message: 'Frames are JSON text.' }
  }
  const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined
  const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined
  if (typeof type !== 'string' || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
    return { id, message: `Unknown frame type${typeof type === 'string' ? `: ${type.slice(0, 40)}` : ''}.` }
  }
  const parsed = clientFrameSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { id, message: `Invalid ${type} frame${issue ? `: ${issue.path.join('.') || 'frame'} ${issue.message}` : ''}.` }
  }
  return { frame: parsed.data }
}

async function handleFrame(ws: WebSocket, session: SocketSession, text: string): Promise<void> {
  // Frames queued behind a close (flooding, 4401, shutdown) are not handled: nothing is
  // stored that could not be acked.
  if (session.closed || ws.readyState !== ws.OPEN || isShuttingDown()) return
  const parsed = parseFrame(text)
  if (!session.auth) {
    // Before authentication only an `auth` frame is understood.
    if (!('frame' in parsed) || parsed.frame.type !== 'auth') {
      closeSocket(ws, WS_CLOSE.unauthorized, 'authenticate first')
      return
    }
    const { token } = parsed.frame
    let auth: Actor | null
    try {
      auth = await withDeadline(() => authenticateAccessToken(token))
    }
    catch (error) {
      // The database did not answer: that says nothing about the token. Try again later.
      closeSocket(ws, WS_CLOSE.tryAgainLater, isDatabaseUnavailable(error) || toApiError(error).body.data.code === 'unavailable' ? 'database unavailable' : 'server error')
      return
    }
    if (!auth) {
      closeSocket(ws, WS_CLOSE.unauthorized, 'invalid token')
      return
    }
    if (!hasSocketRoom(auth.userId)) {
      closeSocket(ws, WS_CLOSE.policyViolation, 'too many sockets')
      return
    }
    await activate(ws, session, auth)
    return
  }
  if (!('frame' in parsed)) {
    sendFrame(ws, errorFrame(parsed.id, apiError('validation_failed', parsed.message)))
    return
  }
  const { frame } = parsed
  try {
    // A stalled database answers `unavailable` within the deadline instead of never.
    const answer = await withDeadline(() => dispatch(session, frame))
    if (answer) sendFrame(ws, answer)
  }
  catch (error) {
    const { body } = toApiError(error)
    if (body.data.code === 'unavailable') logger.warn('frame answered unavailable', { type: frame.type, error: errorName(error) })
    else if (body.statusCode >= 500) logger.error('frame failed', { type: frame.type, error: errorName(error) })
    sendFrame(ws, errorFrame(frame.id, body))
    if (body.data.code === 'rate_limited' && isFlooding(session)) {
      closeSocket(ws, WS_CLOSE.policyViolation, 'flooding')
    }
  }
}

function isFlooding(session: SocketSession): boolean {
  const now = Date.now()
  session.rejections = session.rejections.filter(at => now - at < FLOOD_WINDOW_MS)
  session.rejections.push(now)
  return session.rejections.length >= FLOOD_REJECTIONS
}

function ack(id: string | undefined, extra: Partial<Extract<ServerFrame, { type: 'ack' }>> = {}): ServerFrame {
  return id === undefined ? { type: 'ack', ...extra } : { type: 'ack', id, ...extra }
}

async function dispatch(session: SocketSession, frame: ClientFrame): Promise<ServerFrame | null> {
  const auth = session.auth!
  switch (frame.type) {
    case 'auth':
      return errorFrame(frame.id, apiError('validation_failed', 'This socket is already authenticated.'))
    case 'ping':
      return frame.id === undefined ? { type: 'pong' } : ({ type: 'pong', id: frame.id } as ServerFrame)
    case 'message.send': {
      const { message } = await sendMessage(auth, frame.chatId, { content: frame.content, clientId: frame.clientId, replyToId: frame.replyToId })
      return ack(frame.id, { message })
    }
    case 'message.edit':
      return ack(frame.id, { message: await editMessage(auth, frame.messageId, frame.content) })
    case 'message.delete':
      await deleteMessage(auth, frame.messageId)
      return ack(frame.id)
    case 'reaction.add':
    case 'reaction.remove':
      return ack(frame.id, { message: await setReaction(auth, frame.messageId, frame.emoji, frame.type === 'reaction.add') })
    case 'read':
      await markRead(auth, frame.chatId, frame.seq)
      return ack(frame.id)
    case 'typing':
      await typing(session, frame.chatId)
      return null
  }
}

/** Typing: members only (known from the socket's subscriptions: no database access), throttled per user and chat. */
async function typing(session: SocketSession, chatId: string): Promise<void> {
  const connection = session.connection
  if (!connection) return
  if (!isSubscribed(connection, chatId)) {
    // Not a member: the same error as any other frame for that chat (404, or 403 for a channel).
    await requireMember(session.auth!, chatId)
    return
  }
  const now = Date.now()
  const key = `${connection.userId}:${chatId}`
  if (now - (typingSentAt.get(key) ?? 0) < TYPING_THROTTLE_MS) return
  typingSentAt.set(key, now)
  if (typingSentAt.size > 10_000) {
    for (const [entry, at] of typingSentAt) if (now - at > TYPING_THROTTLE_MS) typingSentAt.delete(entry)
  }
  await publishToChat(chatId, { type: 'typing', chatId, userId: connection.userId, expiresAt: new Date(now + serverConfig().timings.typingTtlMs).toISOString() }, connection.userId)
}

/** Pings every socket; one silent for longer than the limit is dropped. */
export function heartbeat(): void {
  for (const userId of [...placesHeld.keys()]) heldPlaces(userId) // forgets the places of upgrades that never opened
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

/** Closes every socket and waits (up to `waitMs`) for the closing handshakes. */
export async function closeAllSockets(code: number, reason: string, waitMs = 2_000): Promise<void> {
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
