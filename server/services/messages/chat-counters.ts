import { LRUCache } from 'lru-cache'
import { onEnvelope } from '../realtime/bus'

// A chat's counters (its last seq and last changeSeq) as this instance last stored, read or
// heard them, so that a send need not read the chat under its lock (issue 16: one database
// command of the eight a send made). Never the last word: another instance may have written
// since and its event may not have arrived yet. Then the slot or change key the send takes
// from here is already taken, the unique `_id` refuses it (store.ts), and the send reads the
// chat and goes on from the counters it finds there (send.ts; docs/database.md, "A send").
//
// What is remembered is never above what is stored: it comes from the counters this instance
// wrote (store.ts, bumpChatCounters) or from the event of a message another instance stored. So a
// send starting from here can meet taken slots, never leave a free one behind it.

/** The most chats remembered (least recently used go first). */
const MAX_CHATS = 50_000

export interface ChatCounters { lastSeq: number, lastChangeSeq: number }

const counters = new LRUCache<string, ChatCounters>({ max: MAX_CHATS })

export function rememberedCounters(chatId: string): ChatCounters | undefined {
  return counters.get(chatId)
}

/** Raises what is remembered of a chat's counters to what was just stored or read. */
export function rememberCounters(chatId: string, stored: { lastSeq?: number, lastChangeSeq?: number }): void {
  const known = counters.get(chatId)
  counters.set(chatId, {
    lastSeq: Math.max(known?.lastSeq ?? 0, stored.lastSeq ?? 0),
    lastChangeSeq: Math.max(known?.lastChangeSeq ?? 0, stored.lastChangeSeq ?? 0),
  })
}

export function forgetCounters(chatId?: string): void {
  if (chatId) counters.delete(chatId)
  else counters.clear()
}

onEnvelope(({ event }) => {
  switch (event.type) {
    case 'message.created':
      // Only chats this instance already counts: the others are read at their first send.
      if (counters.has(event.chatId)) rememberCounters(event.chatId, { lastSeq: event.message.seq, lastChangeSeq: event.message.changeSeq })
      return
    case 'message.updated':
    case 'message.deleted':
      if (counters.has(event.chatId)) rememberCounters(event.chatId, { lastChangeSeq: event.message.changeSeq })
      return
    case 'chat.deleted':
    case '$drop-chat':
      // The next send reads the chat, and finds it gone.
      forgetCounters(event.chatId)
  }
})
