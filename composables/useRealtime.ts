import type { Me, ReadyChat, ServerFrame } from '#shared/types/api'
import { WS_CLOSE } from '#shared/types/api'

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
let wiring: ReturnType<typeof wire> | null = null

/** The stores and helpers the socket feeds, captured once inside a Nuxt context. */
function wire() {
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
  }
}

function socketUrl(): string {
  const { protocol, host } = window.location
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/ws`
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
  const { chats, messages, outbox } = wiring!
  attempt = 0
  status.value = 'open'
  await catchUpWithReady(chatsOnServer, chats, messages)
  outbox.resume()
}

function leaveChatIfOpen(chatId: string, why: string) {
  const { chats, router, snackbar } = wiring!
  if (chats.activeChatId === chatId) {
    snackbar.notify(why, { color: 'info' })
    void router.push('/')
  }
}

function handle(frame: ServerFrame) {
  const { auth, chats, messages, presence, outbox, notifications, router } = wiring!
  switch (frame.type) {
    case 'ready':
      // The account as it is now: a change missed while connecting (an email confirmed) shows.
      if (auth.user?.id === frame.user.id) auth.setUser(frame.user)
      sendVisibility()
      void onReady(frame.chats)
      break
    case 'message.created': {
      const { message } = frame
      messages.apply(message)
      // A chat we do not hold yet (joined in another tab, say) is fetched once.
      if (!chats.byId[message.chatId]) void chats.fetchChat(message.chatId).catch(() => {})
      // Counted unread even in the open chat: the list marks it read once it is on screen.
      else chats.applyMessage(message)
      outbox.settle(message)
      presence.stopTyping(message.chatId, message.sender.id)
      if (message.sender.id !== auth.user?.id) {
        notifications.notify(message, chats.byId[message.chatId], () => void router.push(`/chats/${message.chatId}`))
      }
      break
    }
    case 'message.updated':
      messages.apply(frame.message)
      chats.applyMessage(frame.message)
      break
    case 'message.deleted': {
      // Counted out of the unread only once, whichever way the deletion came first.
      const { message } = frame
      const firstNews = !messages.isDeleted(message.chatId, message.id)
      const original = messages.find(message.chatId, message.id)
      messages.apply(message)
      if (firstNews) chats.applyDeletion(message, original)
      else chats.applyMessage(message)
      break
    }
    case 'typing':
      presence.applyTyping(frame.chatId, frame.userId, frame.expiresAt, frame.displayName)
      break
    case 'presence':
      presence.apply(frame.userId, frame.online, frame.lastSeenAt)
      break
    case 'user.updated': {
      // A new display name (or role): every place that shows the person, and the viewer's own menus.
      const { user } = frame
      presence.names[user.id] = user.displayName
      chats.applyUser(user)
      messages.applySender(user)
      if (auth.user?.id !== user.id) break
      // What only the person sees (the email confirmed in another tab) is read again.
      auth.setUser({ ...auth.user, displayName: user.displayName, role: user.role })
      wiring!.api<{ user: Me }>('/api/auth/me').then(result => auth.setUser(result.user), () => {})
      break
    }
    case 'read':
      chats.applyRead(frame.chatId, frame.userId, frame.seq)
      break
    case 'chat.created':
    case 'chat.updated':
      chats.upsert(frame.chat)
      break
    case 'chat.deleted':
      leaveChatIfOpen(frame.chatId, 'This chat was deleted.')
      chats.remove(frame.chatId)
      messages.forget(frame.chatId)
      break
    case 'member.added':
      chats.applyMemberAdded(frame.chatId, frame.user, frame.role)
      break
    case 'member.removed':
      if (frame.userId === auth.user?.id) {
        // Leaving in this tab needs no news (the mark is used up); another tab cannot tell
        // leaving from removal.
        if (!chats.leaving.delete(frame.chatId)) leaveChatIfOpen(frame.chatId, 'You are no longer a member of this chat.')
        messages.forget(frame.chatId)
      }
      chats.applyMemberRemoved(frame.chatId, frame.userId)
      break
    case 'member.updated':
      chats.applyMemberRole(frame.chatId, frame.userId, frame.role)
      break
    case 'session.revoked': {
      // This session was ended elsewhere (logout, password change, ban): sign out here too,
      // saying why (utils/session-end.ts), and come back to this page after signing in again.
      stop()
      auth.clear()
      const said = sessionEndedText(frame.reason)
      if (said) wiring!.snackbar.notify(said, { color: 'info' })
      const ended = frame.reason === 'banned' ? { ended: 'banned' } : {}
      void router.push({ path: '/login', query: { redirect: router.currentRoute.value.fullPath, ...ended } })
      break
    }
    case 'error':
      // Frames we send are fire-and-forget (typing); their refusals need no UI.
      break
    default:
      break
  }
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

  current.onopen = () => {
    opened = true
  }

  current.onmessage = (event) => {
    lastFrameAt = Date.now()
    let frame: ServerFrame
    try {
      frame = JSON.parse(String(event.data)) as ServerFrame
    }
    catch {
      return
    }
    handle(frame)
  }

  current.onclose = async (event) => {
    if (socket !== current) return
    socket = null
    clearTimers()
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
  // The browser knows the link is gone: do not wait for the silence timeout.
  socket?.close(4000, 'offline')
}

function start() {
  if (!import.meta.client || wanted) return
  wanted = true
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
 * applies events to the stores idempotently.
 */
export function useRealtime() {
  if (import.meta.client && !wiring) wiring = wire()
  return { status: readonly(status), start, stop, send, sendTyping }
}
