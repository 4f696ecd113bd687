import type { Chat } from '#shared/types/api'

/** "14:05" in the viewer's locale. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

/** A short time for the chat list: the time today, else the date. */
export function formatListTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso)
  if (localDay(iso) === localDay(now.toISOString())) return formatTime(iso)
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) })
}

/** "last seen 5 minutes ago", "last seen yesterday at 14:05". */
export function formatLastSeen(iso: string | null, now: Date = new Date()): string {
  if (!iso) return 'offline'
  const seconds = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000)
  if (seconds < 60) return 'last seen just now'
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60)
    return `last seen ${minutes} minute${minutes === 1 ? '' : 's'} ago`
  }
  const day = localDay(iso)
  const yesterday = new Date(now)
  yesterday.setDate(now.getDate() - 1)
  if (day === localDay(now.toISOString())) return `last seen today at ${formatTime(iso)}`
  if (day === localDay(yesterday.toISOString())) return `last seen yesterday at ${formatTime(iso)}`
  return `last seen ${new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}`
}

const relativeTime = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

/** "5 minutes ago", "3 hours ago", "yesterday", "12 days ago" (a session's or a passkey's last use). */
export function formatTimeAgo(iso: string, now: Date = new Date()): string {
  const minutes = Math.round((new Date(iso).getTime() - now.getTime()) / 60_000)
  if (Math.abs(minutes) < 60) return relativeTime.format(minutes, 'minute')
  if (Math.abs(minutes) < 48 * 60) return relativeTime.format(Math.round(minutes / 60), 'hour')
  return relativeTime.format(Math.round(minutes / 1440), 'day')
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
