import { searchQueryForms } from '#shared/search'
import { Types } from 'mongoose'
import type { ChangesPage, Message as MessageDto, MessageHistory, Page } from '#shared/types/api'
import { MessageChangeModel, MessageModel, changeKeyId, findByIds, messageIdFor, type ChatRecord, type MessageRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { decodeCursor, encodeCursor } from '../../utils/cursor'
import { escapeRegex } from '../../utils/regex'
import { requireVisibleChat } from '../chats/access'
import { userChatIds } from '../chats/chat-list'
import { renderMessages } from './render'
import { bumpChatCounters } from './store'

// Reading messages: history pages, the changes since a changeSeq, the hub's gap fill,
// and search. Everything but search is read by `_id`.

const MAX_COUNTER_PROBES = 100

/**
 * The chat's counters as the stored messages and change keys show them. Between
 * instances, FerretDB can let a slower `$max` write a counter back (its updates are
 * read-then-write); one `_id` probe past each counter finds that, and repairs it.
 */
async function observedCounters(chat: ChatRecord): Promise<{ lastSeq: number, lastChangeSeq: number }> {
  const chatId = chat._id.toHexString()
  const probe = async (start: number, exists: (n: number) => Promise<unknown>) => {
    let last = start
    while (last - start < MAX_COUNTER_PROBES && await exists(last + 1)) last++
    return last
  }
  const [lastSeq, lastChangeSeq] = await Promise.all([
    probe(chat.lastSeq, n => MessageModel.findById(messageIdFor(chatId, n), { _id: 1 }).lean().exec()),
    // A change counts once its message shows it (the key is written first, the message after).
    probe(chat.lastChangeSeq, async (n) => {
      const key = await MessageChangeModel.findById(changeKeyId(chatId, n)).lean().exec()
      const message = key ? await MessageModel.findById(key.messageId, { changeSeq: 1 }).lean().exec() : null
      return !!message && message.changeSeq >= n
    }),
  ])
  if (lastSeq > chat.lastSeq || lastChangeSeq > chat.lastChangeSeq) {
    await bumpChatCounters(chatId, { lastSeq, lastChangeSeq })
  }
  return { lastSeq, lastChangeSeq }
}

async function fetchSeqRange(chatId: string, from: number, to: number): Promise<MessageRecord[]> {
  if (to < from) return []
  // One `$in` on the derived `_id`s (docs/database.md), whatever the page's size.
  const ids = Array.from({ length: to - from + 1 }, (_, index) => messageIdFor(chatId, from + index))
  const found = await findByIds<MessageRecord>(MessageModel, ids)
  return found.sort((a, b) => a.seq - b.seq)
}

/** The stored messages of a chat from seq `from` to `to` (the hub fills a delivery gap with them). */
export async function messagesBySeq(chatId: string, from: number, to: number): Promise<MessageDto[]> {
  return renderMessages(await fetchSeqRange(chatId, from, to))
}

export interface HistoryQuery { before?: number, after?: number, around?: number, limit: number }

/** A page of history: a computed range of seqs, each message fetched by its derived `_id`. */
export async function history(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, query: HistoryQuery): Promise<MessageHistory> {
  const { chat } = await requireVisibleChat(actor, chatId)
  const { lastSeq: last } = await observedCounters(chat)
  const { limit } = query
  let from: number
  let to: number
  if (query.around !== undefined) {
    const centre = Math.min(Math.max(query.around, 1), Math.max(last, 1))
    from = Math.max(1, centre - Math.floor((limit - 1) / 2))
    to = Math.min(last, from + limit - 1)
    from = Math.max(1, to - limit + 1)
  }
  else if (query.before !== undefined) {
    to = Math.min(query.before - 1, last)
    from = Math.max(1, to - limit + 1)
  }
  else if (query.after !== undefined) {
    from = query.after + 1
    to = Math.min(last, query.after + limit)
  }
  else {
    to = last
    from = Math.max(1, last - limit + 1)
  }
  if (to < from) {
    return { items: [], hasMoreBefore: query.after !== undefined ? Math.min(query.after, last) >= 1 : false, hasMoreAfter: query.before !== undefined ? last >= query.before : false }
  }
  const items = await renderMessages(await fetchSeqRange(chatId, from, to))
  return { items, hasMoreBefore: from > 1, hasMoreAfter: to < last }
}

/** The most change keys (and so messages) one `$in` read asks for. */
const MAX_KEYS_PER_READ = 1_000

/**
 * Changes after `since`, ascending by changeSeq. Each message appears once, in its
 * current state, at its current changeSeq. The keys `<chatId>:<n>` name the message each
 * change touched: they are read in windows after `since` (the first `limit` numbers, then
 * twice as many each time, one `$in` on `_id` for the keys and one for their messages)
 * until the page holds `limit` messages or the chat's last change is read, so a page is
 * never empty while `hasMore` is true, even when every change in a window belongs to a
 * message changed again later. `lastChangeSeq` is the last change this answer accounts
 * for (the chat's own when `hasMore` is false), so `since=lastChangeSeq` continues
 * without a gap (docs/api-realtime.md, "`/changes`").
 */
export async function changes(actor: Pick<Actor, 'userId' | 'role'>, chatId: string, since: number, limit: number): Promise<ChangesPage> {
  const { chat } = await requireVisibleChat(actor, chatId)
  const { lastChangeSeq: last } = await observedCounters(chat)
  if (last <= since) return { items: [], lastChangeSeq: Math.max(last, 0), hasMore: false }
  const found = new Map<string, MessageRecord>()
  let readTo = since
  let window = Math.min(limit, MAX_KEYS_PER_READ)
  while (found.size < limit && readTo < last) {
    const from = readTo + 1
    const to = Math.min(last, readTo + window)
    for (const message of await messagesChangedIn(chatId, from, to)) found.set(message._id.toHexString(), message)
    readTo = to
    window = Math.min(window * 2, MAX_KEYS_PER_READ)
  }
  const sorted = [...found.values()].sort((a, b) => a.changeSeq - b.changeSeq)
  const page = sorted.slice(0, limit)
  // A window can overfill the page: it then accounts for changes up to its last message only.
  const lastChangeSeq = sorted.length > limit ? page[page.length - 1]!.changeSeq : readTo
  return { items: await renderMessages(page), lastChangeSeq, hasMore: lastChangeSeq < last }
}

/** The messages whose current changeSeq is in `from..to`: their change keys, then the messages, each one `$in` read. */
async function messagesChangedIn(chatId: string, from: number, to: number): Promise<MessageRecord[]> {
  const keyIds = Array.from({ length: to - from + 1 }, (_, index) => changeKeyId(chatId, from + index))
  const keys = await MessageChangeModel.find({ _id: { $in: keyIds } }).lean().exec()
  const messageIds = [...new Set(keys.map(key => key.messageId.toHexString()))].map(id => new Types.ObjectId(id))
  if (messageIds.length === 0) return []
  const messages = await MessageModel.find({ _id: { $in: messageIds } }).lean<MessageRecord[]>().exec()
  return messages.filter(message => message.chatId === chatId && message.changeSeq >= from && message.changeSeq <= to)
}

/** Search (a scan, as a person expects): case-insensitive substring, the caller's chats only, newest first. */
export async function searchMessages(actor: Pick<Actor, 'userId' | 'role'>, query: { q: string, chatId?: string, limit: number, cursor?: string }): Promise<Page<MessageDto>> {
  let chatIds = await userChatIds(actor.userId)
  if (query.chatId) chatIds = chatIds.filter(id => id === query.chatId)
  if (chatIds.length === 0) return { items: [], nextCursor: null }
  const filter: Record<string, unknown> = {
    chatId: { $in: chatIds },
    deletedAt: null,
  }
  // The text as typed, or its words without the Markdown and their accents, each against the
  // query as typed and folded the same way (docs/messages.md, "Search"); the app marks the
  // same forms in each result (`findSearchMatches`).
  const forms = searchQueryForms(query.q).map(form => ({ $regex: escapeRegex(form), $options: 'i' }))
  const matches = forms.flatMap(form => [{ content: form }, { searchText: form }])
  const after = decodeCursor(query.cursor)
  if (after?.t !== undefined && Types.ObjectId.isValid(after.id)) {
    filter.$and = [{ $or: matches }, { $or: [{ createdAt: { $lt: new Date(after.t) } }, { createdAt: new Date(after.t), _id: { $lt: new Types.ObjectId(after.id) } }] }]
  }
  else {
    filter.$or = matches
  }
  const found = await MessageModel.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit + 1).lean<MessageRecord[]>().exec()
  const page = found.slice(0, query.limit)
  const last = page[page.length - 1]
  return {
    items: await renderMessages(page),
    nextCursor: found.length > query.limit && last ? encodeCursor({ t: last.createdAt.getTime(), id: last._id.toHexString() }) : null,
  }
}
