import { defineStore } from 'pinia'
import type { Page, User } from '#shared/types/api'
import { LIST_LIMIT } from '#shared/limits'
import { isolate } from '~/utils/format'

export interface PresenceState {
  online: boolean
  lastSeenAt: string | null
}

/** Who is online, and who is typing where (each typing entry hides itself at its `expiresAt`). */
export const usePresenceStore = defineStore('presence', () => {
  const api = useApi()
  const byUser = ref<Record<string, PresenceState>>({})
  /** chatId -> userId -> expiresAt (ms since epoch) */
  const typing = ref<Record<string, Record<string, number>>>({})
  const names = ref<Record<string, string>>({})
  const timers = new Map<string, ReturnType<typeof setTimeout>>()

  /**
   * People whose presence a live event told us: what a fetch says (maybe asked before the
   * event) does not undo it. Everyone else's comes from the latest fetch: someone found in
   * the directory shares no chat with the viewer, so no event would ever correct it.
   */
  const toldLive = new Set<string>()

  /**
   * Whether what is held is news: not while the socket is down (nobody's coming or going
   * reaches the tab), nor after it is back until everyone held is read again.
   */
  const known = ref(true)
  /** Counts the times the socket was lost: a re-read answered after a later loss tells nothing. */
  let sightLost = 0

  /** Takes presence from a User object unless a live event already told us. */
  function seed(user: User) {
    names.value[user.id] = user.displayName
    if (!toldLive.has(user.id)) byUser.value[user.id] = { online: user.online, lastSeenAt: user.lastSeenAt }
  }

  function apply(userId: string, online: boolean, lastSeenAt: string | null) {
    toldLive.add(userId)
    byUser.value[userId] = { online, lastSeenAt }
    // Someone who went offline is no longer typing.
    if (!online) for (const chatId of Object.keys(typing.value)) stopTyping(chatId, userId)
  }

  function isOnline(userId: string | null | undefined): boolean {
    return known.value && !!userId && !!byUser.value[userId]?.online
  }

  /**
   * The socket is gone: no one is shown online (or typing) until presence is read again,
   * and a live event heard before now no longer outranks what that read says.
   */
  function loseSight() {
    sightLost++
    known.value = false
    toldLive.clear()
    for (const chatId of Object.keys(typing.value)) for (const userId of Object.keys(typing.value[chatId]!)) stopTyping(chatId, userId)
  }

  /**
   * The socket is back (`ready`): everyone held is read again, in requests of 100 ids
   * (`GET /api/users?ids=`), since no event tells who came or went meanwhile. Events that
   * arrive while it is on its way are newer and win (`toldLive`).
   */
  async function readAgain() {
    if (known.value) return
    const attempt = sightLost
    const ids = Object.keys(byUser.value)
    try {
      for (let start = 0; start < ids.length; start += LIST_LIMIT.max) {
        const chunk = ids.slice(start, start + LIST_LIMIT.max)
        const page = await api<Page<User>>('/api/users', { query: { ids: chunk.join(','), limit: LIST_LIMIT.max } })
        if (attempt !== sightLost) return
        for (const user of page.items) seed(user)
      }
    }
    catch {
      // The chat list read on the same `ready` has the direct chats' peers; the rest say
      // what they said before the socket was lost (a failed read is no news to the reader).
    }
    if (attempt === sightLost) known.value = true
  }

  function stopTyping(chatId: string, userId: string) {
    const key = `${chatId}:${userId}`
    clearTimeout(timers.get(key))
    timers.delete(key)
    const forChat = typing.value[chatId]
    if (forChat && userId in forChat) {
      const rest = omitKey(forChat, userId)
      typing.value = Object.keys(rest).length === 0 ? omitKey(typing.value, chatId) : { ...typing.value, [chatId]: rest }
    }
  }

  function applyTyping(chatId: string, userId: string, expiresAt: string, displayName?: string) {
    if (displayName) names.value[userId] = displayName
    // The server's time, not the viewer's clock (utils/server-clock.ts): a clock hours slow
    // showed it for hours, one seconds fast never showed it.
    const until = Date.parse(expiresAt)
    const delay = until - serverNow()
    if (!Number.isFinite(until) || delay <= 0) {
      stopTyping(chatId, userId)
      return
    }
    const key = `${chatId}:${userId}`
    clearTimeout(timers.get(key))
    ;(typing.value[chatId] ??= {})[userId] = until
    timers.set(key, setTimeout(() => stopTyping(chatId, userId), delay))
  }

  /** The people typing in a chat now. */
  function typingIn(chatId: string): string[] {
    return Object.keys(typing.value[chatId] ?? {})
  }

  function reset() {
    for (const timer of timers.values()) clearTimeout(timer)
    timers.clear()
    toldLive.clear()
    known.value = true
    byUser.value = {}
    typing.value = {}
  }

  return { byUser, typing, names, known, seed, apply, isOnline, loseSight, readAgain, applyTyping, stopTyping, typingIn, reset }
})

/** "Ana is typing...", "Ana and Ben are typing...", "3 people are typing..." (each name isolated: AppBidiText). */
export function typingSentence(names: string[]): string {
  if (names.length === 0) return ''
  if (names.length === 1) return `${isolate(names[0]!)} is typing...`
  if (names.length === 2) return `${isolate(names[0]!)} and ${isolate(names[1]!)} are typing...`
  return `${names.length} people are typing...`
}
