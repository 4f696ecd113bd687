import type { Attachment, Message } from '#shared/types/api'
import { serverNow } from './server-clock'
import { dayClockNow } from './day-clock'

/** Messages from one person closer together than this share one header. */
export const GROUP_WINDOW_MS = 5 * 60 * 1000

/** A message waiting in the outbox, shown at the end of the conversation. */
export interface PendingMessage {
  clientId: string
  chatId: string
  content: string
  replyToId: string | null
  createdAt: string
  status: 'pending' | 'failed'
  error: string | null
  /** Files still uploading in this tab (keys of the uploads store); the send waits for them. */
  uploads?: string[]
  /** Files uploaded for it: a retry sends their ids, never the bytes again. */
  attachments?: Attachment[]
}

export type TimelineEntry
  = | { kind: 'day', key: string, date: string }
    | { kind: 'unread', key: string }
    | { kind: 'message', key: string, message: Message, grouped: boolean }
    | { kind: 'pending', key: string, pending: PendingMessage, grouped: boolean }

/** The local calendar day of an ISO time, as `YYYY-MM-DD` (the key of its separator). */
export function localDay(iso: string): string {
  const date = new Date(iso)
  const month = String(date.getMonth() + 1).padStart(2, '0')
  const day = String(date.getDate()).padStart(2, '0')
  return `${date.getFullYear()}-${month}-${day}`
}

/**
 * Now, as a Date, by the server's clock (utils/server-clock.ts): which day is "today" follows it, as every
 * other comparison does, so a viewer whose clock is a day off (or hours, across midnight)
 * still sees today's messages under "Today". The calendar day is the viewer's own (their time
 * zone). Reactive: a render that asks follows the clock's correction.
 */
export function serverDate(): Date {
  return new Date(serverNow())
}

/** Whether a local calendar day (`YYYY-MM-DD`) is today or yesterday at `now`. */
export function relativeDay(day: string, now: Date): 'today' | 'yesterday' | null {
  if (day === localDay(now.toISOString())) return 'today'
  const yesterday = new Date(now)
  yesterday.setDate(now.getDate() - 1)
  return day === localDay(yesterday.toISOString()) ? 'yesterday' : null
}

/**
 * The language the browser formats dates in: a day separator's `lang`, so a screen reader on
 * the English page says "Heute" and "Montag, 5. Dezember" in German.
 */
export function dateLanguage(locale?: string): string {
  return new Intl.DateTimeFormat(locale).resolvedOptions().locale
}

/**
 * A day separator's label: "Today", "Yesterday", or the date, all in the browser's language
 * ("Heute", "Gestern", "Montag, 5. Dezember"), as the chat list's dates are. A separator is a
 * label naming a day, not one of the app's English sentences: English "Today" above German
 * dates read as two languages in one column (docs/ui.md, "Day separators"). By default "now"
 * is the day clock's (utils/day-clock.ts): a label drawn with it is drawn again at midnight.
 */
export function dayLabel(day: string, now: Date = dayClockNow(), locale?: string): string {
  const relative = relativeDay(day, now)
  if (relative) {
    const word = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(relative === 'today' ? 0 : -1, 'day')
    const [first = '', ...rest] = word
    return first.toLocaleUpperCase(locale) + rest.join('')
  }
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  const value = new Date(year, month - 1, date)
  return value.toLocaleDateString(locale, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    ...(year !== now.getFullYear() ? { year: 'numeric' } : {}),
  })
}

interface Groupable {
  senderId: string
  createdAt: string
  deleted: boolean
}

function continues(previous: Groupable | null, next: Groupable): boolean {
  if (!previous || previous.deleted || next.deleted) return false
  if (previous.senderId !== next.senderId) return false
  if (localDay(previous.createdAt) !== localDay(next.createdAt)) return false
  return Date.parse(next.createdAt) - Date.parse(previous.createdAt) < GROUP_WINDOW_MS
}

/**
 * Lays a conversation out: day separators, the unread divider before the first
 * message from someone else after `unreadAfterSeq`, and consecutive messages from
 * one person grouped under one header. `messages` must be in ascending seq order;
 * pending messages (the viewer's own) follow them.
 * The divider is drawn only when the messages reach back to the first unread
 * (`unreadAfterSeq + 1`) without a gap: on a run that starts later it stood above its
 * first message, saying the unread ones above, not loaded, were read.
 */
export function buildTimeline(
  messages: readonly Message[],
  options: { viewerId: string | null, unreadAfterSeq?: number | null, pending?: readonly PendingMessage[] } = { viewerId: null },
): TimelineEntry[] {
  const entries: TimelineEntry[] = []
  let previous: Groupable | null = null
  let currentDay: string | null = null
  const readThrough = options.unreadAfterSeq ?? null
  let unreadPlaced = readThrough === null
  /** The last unread seq held without a gap from the first unread. */
  let unreadHeldThrough = readThrough ?? 0

  const openDay = (createdAt: string) => {
    const day = localDay(createdAt)
    if (day !== currentDay) {
      currentDay = day
      entries.push({ kind: 'day', key: `day:${day}`, date: day })
      previous = null
    }
  }

  for (const message of messages) {
    openDay(message.createdAt)
    if (!unreadPlaced && message.seq > readThrough!) {
      // A gap before it: the first unread ones are not held, and no place is right.
      unreadPlaced = message.seq !== unreadHeldThrough + 1
      unreadHeldThrough = message.seq
      if (!unreadPlaced && message.sender.id !== options.viewerId) {
        unreadPlaced = true
        entries.push({ kind: 'unread', key: 'unread' })
        previous = null
      }
    }
    const current: Groupable = { senderId: message.sender.id, createdAt: message.createdAt, deleted: message.deletedAt !== null }
    entries.push({ kind: 'message', key: message.id, message, grouped: continues(previous, current) })
    previous = current
  }

  for (const pending of options.pending ?? []) {
    openDay(pending.createdAt)
    const current: Groupable = { senderId: options.viewerId ?? '', createdAt: pending.createdAt, deleted: false }
    entries.push({ kind: 'pending', key: `pending:${pending.clientId}`, pending, grouped: continues(previous, current) })
    previous = current
  }
  return entries
}
