import { defineStore } from 'pinia'
import type { User } from '#shared/types/api'

export interface PresenceState {
  online: boolean
  lastSeenAt: string | null
}

/** Who is online, and who is typing where (each typing entry hides itself at its `expiresAt`). */
export const usePresenceStore = defineStore('presence', () => {
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
    return !!userId && !!byUser.value[userId]?.online
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
    const until = Date.parse(expiresAt)
    const delay = until - Date.now()
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
    byUser.value = {}
    typing.value = {}
  }

  return { byUser, typing, names, seed, apply, isOnline, applyTyping, stopTyping, typingIn, reset }
})

/** "Ana is typing...", "Ana and Ben are typing...", "3 people are typing..." */
export function typingSentence(names: string[]): string {
  if (names.length === 0) return ''
  if (names.length === 1) return `${names[0]} is typing...`
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing...`
  return `${names.length} people are typing...`
}
