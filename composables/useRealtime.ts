import type { ReadyChat, ServerFrame } from '#shared/types/api'
import type { FrameContext } from '~/utils/realtime-frames'
import { EXPECTED_USER_QUERY, WS_CLOSE } from '#shared/types/api'

export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'reconnecting'

const RECONNECT_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000]
const HEARTBEAT_MS = 25_000
/** No frame at all for this long (the server pings every 30 s): the link is dead. */
const SILENCE_LIMIT_MS = 70_000
const TYPING_THROTTLE_MS = 3_000

// One socket per tab: module state shared by every caller of useRealtime().
const status = ref<RealtimeStatus>('idle')
let socket: WebSocket | null = null
let wanted = false
let attempt = 0
let reconnectTimer: ReturnType<typeof setTimeout> | null = null
let heartbeatTimer: ReturnType<typeof setInterval> | null = null
let lastFrameAt = 0
let frameCounter = 0
const typingSentAt = new Map<string, number>()
let wiring: FrameContext | null = null

/**
 * The stores and helpers the socket feeds, captured once inside a Nuxt context, with the
 * connection's own steps a frame can take (utils/realtime-frames.ts applies the frames).
 */
function wire(): FrameContext {
  return {
    api: useApi(),
    auth: useAuthStore(),
    chats: useChatsStore(),
    messages: useMessagesStore(),
    presence: usePresenceStore(),
    outbox: useOutboxStore(),
    notifications: useChatNotifications(),
    router: useRouter(),
    snackbar: useSnackbarStore(),
    onReady: chatsOnServer => void onReady(chatsOnServer),
    sendVisibility,
    stop,
  }
}

/**
 * Names the person the tab shows: the cookie the upgrade carries may be another tab's
 * sign-in since (a reconnect), and the server then refuses it (409) rather than feed this
 * tab another account's chats; the API's answer below makes the tab take that account.
 */
function socketUrl(): string {
  const { protocol, host } = window.location
  const userId = wiring?.auth.user?.id
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/ws${userId ? `?${EXPECTED_USER_QUERY}=${encodeURIComponent(userId)}` : ''}`
}

function clearTimers() {
  if (reconnectTimer) clearTimeout(reconnectTimer)
  if (heartbeatTimer) clearInterval(heartbeatTimer)
  reconnectTimer = null
  heartbeatTimer = null
}

function send(frame: Record<string, unknown>): boolean {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false
  socket.send(JSON.stringify({ id: `c${++frameCounter}`, ...frame }))
  return true
}

async function onReady(chatsOnServer: ReadyChat[]) {
  const { chats, messages, outbox, presence } = wiring!
  attempt = 0
  status.value = 'open'
  void presence.readAgain()
  await catchUpWithReady(chatsOnServer, chats, messages, (chatId, chat) => leaveGoneChat(wiring!, chatId, gone => `You are no longer a member of ${isolate(chatTitle(gone))}.`, chat))
  outbox.resume()
}

function scheduleReconnect() {
  if (!wanted || reconnectTimer) return
  status.value = 'reconnecting'
  const base = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!
  attempt++
  // Jitter keeps a restarted server from being hit by every tab at once. An upgrade refused
  // with 503 (the server handles its bound of upgrades, docs/api-realtime.md) looks like any
  // failed open to a browser, which cannot read its Retry-After: this growing delay stands in.
  const delay = base / 2 + Math.random() * base / 2
  reconnectTimer = setTimeout(() => {
    reconnectTimer = null
    void connect()
  }, delay)
}

async function connect() {
  if (!wanted || socket) return
  const { api } = wiring!
  if (status.value !== 'reconnecting') status.value = 'connecting'
  let opened = false
  const current = new WebSocket(socketUrl())
  socket = current
  lastFrameAt = Date.now()
  const connectedAt = lastFrameAt

  current.onopen = () => {
    opened = true
  }

  current.onmessage = (event) => {
    if (socket !== current) return
    lastFrameAt = Date.now()
    let frame: ServerFrame
    try {
      frame = JSON.parse(String(event.data)) as ServerFrame
    }
    catch {
      return
    }
    // The server read its clock for `ready` between the socket's start and now: the
    // browser's most precise reading of it (utils/server-clock.ts).
    if (frame.type === 'ready' && frame.serverTime) {
      const serverTime = Date.parse(frame.serverTime)
      learnServerTime({ earliest: serverTime, latest: serverTime, sentAt: connectedAt, receivedAt: lastFrameAt })
    }
    applyServerFrame(frame, wiring!)
  }

  current.onclose = async (event) => {
    if (socket !== current) return
    socket = null
    clearTimers()
    wiring!.presence.loseSight()
    if (!wanted) {
      status.value = 'idle'
      return
    }
    status.value = 'reconnecting'
    // A refused upgrade (say, an expired access token) or 4401: ask the API, whose
    // client renews the session, or signs out and goes to /login when it is over.
    if (event.code === WS_CLOSE.unauthorized || !opened) {
      try {
        await api('/api/auth/me')
      }
      catch (error) {
        // The renewal found another account signed in and the tab took it: its socket is
        // that account's to open, and this tab's session did not end (the 401 is the old one's).
        if (error instanceof AccountChanged) {
          if (!socket) scheduleReconnect()
          return
        }
        if (toApiErrorBody(error).statusCode === 401) {
          stop()
          return
        }
      }
    }
    // Unless the browser came back online meanwhile and a new socket is on its way.
    if (!socket) scheduleReconnect()
  }

  heartbeatTimer = setInterval(() => {
    if (Date.now() - lastFrameAt > SILENCE_LIMIT_MS) current.close(4000, 'silent')
    else send({ type: 'ping' })
  }, HEARTBEAT_MS)
}

function onOnline() {
  if (!wanted) return
  wiring?.outbox.resume()
  // Back online, the next attempt is a first one: at once, or, if one is on its way (opened
  // while offline, it fails), half a second after it, not the grown delay of the last.
  attempt = 0
  if (reconnectTimer) clearTimeout(reconnectTimer)
  reconnectTimer = null
  if (!socket) void connect()
}

/** Tells the server whether this tab is shown: Web Push waits while one is (docs/messages.md, "Web Push"). */
function sendVisibility() {
  send({ type: 'visibility', visible: document.visibilityState === 'visible' })
}

function onOffline() {
  // The browser knows the link is gone: wait neither for the silence timeout nor for a
  // closing handshake that needs the network (in a loaded run its close event had not come
  // 10 s later, and the app said nothing of being offline).
  const current = socket
  if (!current) return
  socket = null
  clearTimers()
  wiring!.presence.loseSight()
  current.close(4000, 'offline')
  scheduleReconnect()
}

function start() {
  if (!import.meta.client || wanted) return
  wanted = true
  // Not-sent notices a reload cut short are said again (utils/realtime-frames.ts).
  for (const notice of wiring!.outbox.notSent) tellNotSent(wiring!, notice)
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)
  document.addEventListener('visibilitychange', sendVisibility)
  void connect()
}

function stop() {
  wanted = false
  clearTimers()
  window.removeEventListener('online', onOnline)
  window.removeEventListener('offline', onOffline)
  document.removeEventListener('visibilitychange', sendVisibility)
  const current = socket
  socket = null
  current?.close(1000, 'bye')
  status.value = 'idle'
}

/** Tells the chat's members the viewer is typing (at most every few seconds). */
function sendTyping(chatId: string) {
  const now = Date.now()
  if (now - (typingSentAt.get(chatId) ?? 0) < TYPING_THROTTLE_MS) return
  if (send({ type: 'typing', chatId })) typingSentAt.set(chatId, now)
}

/**
 * The tab's one WebSocket: authenticates with the `chat_access` cookie, reconnects
 * with backoff, catches every held chat up through `/changes` on each `ready`, and
 * hands every frame to utils/realtime-frames.ts, which applies it to the stores.
 */
export function useRealtime() {
  if (import.meta.client && !wiring) wiring = wire()
  return { status: readonly(status), start, stop, send, sendTyping }
}
