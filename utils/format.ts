import type { Chat } from '#shared/types/api'
import { serverNow } from './server-clock'
import { localDay, relativeDay, serverDate } from './timeline'

/** "14:05" in the viewer's locale. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

/** A short time for the chat list: the time today (by the server's clock), else the date. */
export function formatListTime(iso: string, now: Date = serverDate()): string {
  const date = new Date(iso)
  if (relativeDay(localDay(iso), now) === 'today') return formatTime(iso)
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) })
}

/** "Edited Dec 7, 2026, 2:05 PM": the edited mark's tooltip and what a screen reader says of it. */
export function formatEdited(iso: string, locale?: string): string {
  return `Edited ${new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })}`
}

/**
 * "last seen 5 minutes ago", "last seen yesterday at 14:05". `now` is a reading of the
 * viewer's clock (a ticking useNow); the age is measured by the server's (utils/server-clock.ts).
 */
export function formatLastSeen(iso: string | null, localNow: Date = new Date()): string {
  if (!iso) return 'offline'
  const now = new Date(serverNow(localNow.getTime()))
  // Below zero only by the clock correction's own error (a second or so).
  const seconds = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000)
  if (seconds < 60) return 'last seen just now'
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60)
    return `last seen ${minutes} minute${minutes === 1 ? '' : 's'} ago`
  }
  // Today and yesterday by the server's clock too, in the viewer's time zone.
  const relative = relativeDay(localDay(iso), now)
  if (relative) return `last seen ${relative} at ${formatTime(iso)}`
  return `last seen ${new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}`
}

/**
 * "just now", "5 minutes ago", "3 hours ago", "12 days ago" (a session's or a passkey's last
 * use). In English, as the sentence around it is (the browser's language made "last used vor
 * 2 Minuten"); `localNow` as for formatLastSeen, measured by the server's clock, and a time
 * in the future (by the correction's error) is "just now".
 */
export function formatTimeAgo(iso: string, localNow: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((serverNow(localNow.getTime()) - Date.parse(iso)) / 60_000))
  if (minutes < 1) return 'just now'
  if (minutes < 60) return ago(minutes, 'minute')
  if (minutes < 48 * 60) return ago(Math.floor(minutes / 60), 'hour')
  return ago(Math.floor(minutes / 1440), 'day')
}

function ago(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'} ago`
}

/** One or two initials for an avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!].map(word => [...word][0]) : [...(words[0] ?? '?')].slice(0, 1)
  return letters.join('').toUpperCase()
}

/** A stable avatar colour per person. */
export function avatarColor(id: string): string {
  const palette = ['indigo', 'teal', 'deep-orange', 'purple', 'blue', 'green', 'pink', 'brown', 'cyan', 'amber-darken-3']
  let hash = 0
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return palette[hash % palette.length]!
}

/** The display name of a chat: the other person for a direct chat. */
export function chatTitle(chat: Pick<Chat, 'type' | 'name' | 'peer'>): string {
  if (chat.type === 'direct') return chat.peer?.displayName ?? 'Deleted user'
  return chat.name ?? 'Untitled'
}

const FIRST_STRONG_ISOLATE = '\u2068'
const POP_DIRECTIONAL_ISOLATE = '\u2069'

/**
 * A name (or someone's words) to put into a sentence of the app's: wrapped in U+2068 FSI …
 * U+2069 PDI, so an Arabic name keeps the English around it in order, and a name holding a
 * direction control cannot turn the rest of the sentence around (docs/ui.md, "Names in
 * sentences"). Plain-text places (the tab title, notifications) keep the two marks; on the
 * page AppBidiText renders each isolated part as a <bdi>.
 */
export function isolate(text: string): string {
  return `${FIRST_STRONG_ISOLATE}${text}${POP_DIRECTIONAL_ISOLATE}`
}

/** A sentence made with isolate(), cut into its plain parts and its isolated ones. */
export function isolatedParts(sentence: string): { text: string, isolated: boolean }[] {
  return sentence.split(/\u2068([^\u2068\u2069]*)\u2069/).map((text, index) => ({ text, isolated: index % 2 === 1 })).filter(part => part.text !== '')
}

/** The sentence without the isolation marks, for an aria-label (screen readers need none). */
export function withoutIsolates(sentence: string): string {
  return sentence.replace(/[\u2068\u2069]/g, '')
}
