import type { Types } from 'mongoose'
import { ChatModel, MessageChangeModel, MessageModel, changeKeyId, insertDocument, loadById, updateById, type MessageRecord } from '../../models'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { rememberCounters } from './chat-counters'

// Messages: one service for REST and WebSocket. Each change in a chat takes the next
// value of the chat's change counter; a new message also takes the next seq. Inside one
// instance the chat's keyed lock serializes them; between instances the `_id` of the
// message (derived from chat and seq) and of the change key arbitrate, with a bounded
// retry. Everything is read and written by `_id` (docs/api-realtime.md).

export const MAX_CLAIM_ATTEMPTS = 50

export function findMessage(id: string | Types.ObjectId): Promise<MessageRecord | null> {
  return loadById<MessageRecord>(MessageModel, id)
}

/**
 * Claims the next free changeSeq at or above `from` by inserting its key (bounded retry).
 * `resync`, given when `from` came from remembered counters (chat-counters.ts), answers the
 * chat's stored lastChangeSeq: at the first taken key the claim goes on from there, since
 * every key up to it is taken.
 */
export async function claimChangeSeq(chatId: string, from: number, messageId: Types.ObjectId, resync?: () => Promise<number>): Promise<number> {
  for (let changeSeq = from, attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    try {
      await insertDocument(MessageChangeModel, { _id: changeKeyId(chatId, changeSeq), messageId })
      return changeSeq
    }
    catch (error) {
      if (!isDuplicateKeyError(error)) throw error
    }
    changeSeq = attempt === 0 && resync ? Math.max(changeSeq + 1, await resync() + 1) : changeSeq + 1
  }
  throw apiError('conflict', 'The chat is too busy; try again.')
}

export async function bumpChatCounters(chatId: string, counters: { lastSeq?: number, lastChangeSeq: number, lastActivityAt?: Date }): Promise<void> {
  // $max: a slower instance writing an older value never moves a counter back on MongoDB.
  await updateById(ChatModel, chatId, { $max: counters })
  rememberCounters(chatId, counters)
}
