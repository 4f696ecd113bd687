import { ChatModel, findByIds } from '../../models'
import { onEnvelope } from '../realtime/bus'

// The chat list's order: each chat's last activity, remembered by this instance so that
// a chat list reads the chats of its page only, not every chat of the person (issue 16).
//
// A chat's `lastActivityAt` only grows (`$max` on the chat, written by a send), and every
// send announces `message.created` to every instance over the bus: each instance keeps
// what it heard, the larger value winning, so the order is current on all of them
// without a read. What the bus may have missed (a publish lost while Redis was away) is
// bounded twice: an entry older than ACTIVITY_TTL_MS is read again, and the whole memory
// is dropped when the bus comes back after an outage (realtime/index.ts). No write per
// member or per recipient: the chat document stays the one source of truth.

/** How long a remembered activity is trusted without a read (bounds the harm of a lost event). */
export const ACTIVITY_TTL_MS = 60_000
/** The most chats remembered; past it the memory starts over (read again as pages need them). */
const MAX_REMEMBERED = 200_000

interface Remembered { at: number, readAt: number }
const remembered = new Map<string, Remembered>()

/** Records activity this instance learned of (its own send, a `message.created` from the bus). */
export function noteChatActivity(chatId: string, at: number): void {
  const entry = remembered.get(chatId)
  // A chat not remembered is left to be read with its neighbours when a list needs it.
  if (entry && at > entry.at) entry.at = at
}

function remember(chatId: string, at: number, readAt: number): void {
  if (remembered.size >= MAX_REMEMBERED && !remembered.has(chatId)) remembered.clear()
  const entry = remembered.get(chatId)
  remembered.set(chatId, { at: Math.max(at, entry?.at ?? 0), readAt })
}

/**
 * The last activity of each of `chatIds` (a chat that no longer exists is left out). Only
 * those not remembered, or remembered longer than ACTIVITY_TTL_MS, are read: one `$in`
 * with the activity alone.
 */
export async function chatActivity(chatIds: string[], now = Date.now()): Promise<Map<string, number>> {
  const stale = chatIds.filter((id) => {
    const entry = remembered.get(id)
    return !entry || now - entry.readAt > ACTIVITY_TTL_MS
  })
  const read = await findByIds<{ _id: unknown, lastActivityAt: Date }>(ChatModel, stale, { lastActivityAt: 1 })
  for (const id of stale) remembered.delete(id)
  for (const chat of read) remember(String(chat._id), chat.lastActivityAt.getTime(), now)
  const activity = new Map<string, number>()
  for (const id of chatIds) {
    const entry = remembered.get(id)
    if (entry) activity.set(id, entry.at)
  }
  return activity
}

/** The chats of `chatIds` by last activity, most recent first (ties: the larger id first). */
export async function chatsByActivity(chatIds: string[], now = Date.now()): Promise<{ id: string, at: number }[]> {
  const activity = await chatActivity(chatIds, now)
  return [...activity].map(([id, at]) => ({ id, at })).sort((a, b) => b.at - a.at || (b.id < a.id ? -1 : 1))
}

/** Chats just read whole (a page): their activity is as fresh as a read. */
export function rememberChatActivity(chats: { _id: unknown, lastActivityAt: Date }[], now = Date.now()): void {
  for (const chat of chats) remember(String(chat._id), chat.lastActivityAt.getTime(), now)
}

/** Forgets everything (after a bus outage, events may have been lost; and for tests). */
export function forgetChatActivity(): void {
  remembered.clear()
}

onEnvelope(({ event }) => {
  if (event.type === 'message.created') noteChatActivity(event.chatId, Date.parse(event.message.createdAt))
})
