import type { Message } from '#shared/types/api'
import { errorName, logger } from '../../utils/logger'
import { chatTopic, type Envelope } from './bus'

// Instances publish a chat's messages in seq order, but two instances' messages can cross
// Redis in the opposite order. So each instance delivers a chat's `message.created` events
// strictly by seq, from the seq after the one its subscribers already know. A missing seq
// is waited for briefly, then read from the database: seqs are contiguous and a message is
// published only once stored, so a later seq proves the earlier one is stored (unless its
// chat is gone). Only a seq the database does not have is skipped.
// The hub (./hub.ts) keeps one order per chat with a local subscriber.

/** How long a gap may last before the missing messages are read from the database. */
const GAP_WAIT_MS = 250
/** Messages read from the database per round while filling one gap. */
export const MAX_GAP_FILL = 50

export interface ChatOrderDeps {
  /** Reads stored messages of a chat by seq, the missing ones left out. */
  loadMessages: (chatId: string, from: number, to: number) => Promise<Message[]>
  /** Hands an envelope, in its turn, to the chat's local sockets. */
  deliver: (envelope: Envelope) => void
}

export function createChatOrders(deps: ChatOrderDeps) {
  interface ChatOrder {
    chatId: string
    /** The next seq to deliver; everything below it was delivered (or is not stored). */
    next: number
    /** Later seqs waiting for their turn; null marks a seq the database does not have. */
    pending: Map<number, Envelope | null>
    timer: NodeJS.Timeout | null
    filling: boolean
  }

  /** Chats with a local subscriber: kept exactly as long as the chat's topic has one. */
  const chatOrders = new Map<string, ChatOrder>()

  function startChatOrder(chatId: string, lastSeq: number) {
    if (chatOrders.has(chatId)) return
    chatOrders.set(chatId, { chatId, next: lastSeq + 1, pending: new Map(), timer: null, filling: false })
  }

  function stopChatOrder(chatId: string) {
    const order = chatOrders.get(chatId)
    if (order?.timer) clearTimeout(order.timer)
    chatOrders.delete(chatId)
  }

  function isCurrent(order: ChatOrder): boolean {
    return chatOrders.get(order.chatId) === order
  }

  function flushInOrder(order: ChatOrder) {
    while (order.pending.has(order.next)) {
      const envelope = order.pending.get(order.next)
      order.pending.delete(order.next)
      order.next++
      if (envelope) deps.deliver(envelope)
    }
  }

  function orderMessage(chatId: string, seq: number, envelope: Envelope) {
    const order = chatOrders.get(chatId)
    // No local subscriber: nobody here to tell. Below `next`: already delivered from the database.
    if (!order || seq < order.next) return
    order.pending.set(seq, envelope)
    flushInOrder(order)
    watchGap(order)
  }

  /** While a later seq waits for an earlier one, fill the gap from the database after a short wait. */
  function watchGap(order: ChatOrder, waitMs = GAP_WAIT_MS) {
    if (order.pending.size === 0 || order.timer || order.filling) return
    order.timer = setTimeout(() => {
      order.timer = null
      void fillGap(order)
    }, waitMs)
    order.timer.unref?.()
  }

  async function fillGap(order: ChatOrder): Promise<void> {
    if (!isCurrent(order) || order.pending.size === 0) return
    order.filling = true
    const from = order.next
    const to = Math.min(Math.min(...order.pending.keys()) - 1, from + MAX_GAP_FILL - 1)
    let progressed = false
    try {
      const stored = new Map((await deps.loadMessages(order.chatId, from, to)).map(message => [message.seq, message]))
      if (!isCurrent(order)) return
      for (let seq = Math.max(from, order.next); seq <= to; seq++) {
        if (order.pending.has(seq)) continue // its event arrived meanwhile
        const message = stored.get(seq)
        order.pending.set(seq, message ? { topics: [chatTopic(order.chatId)], event: { type: 'message.created', chatId: order.chatId, message } } : null)
      }
      const before = order.next
      flushInOrder(order)
      progressed = order.next > before
    }
    catch (error) {
      logger.warn('filling a message gap failed', { chatId: order.chatId, error: errorName(error) })
    }
    finally {
      order.filling = false
    }
    // A gap wider than one round continues at once; a failed read is retried after the wait.
    watchGap(order, progressed ? 0 : GAP_WAIT_MS)
  }

  return {
    start: startChatOrder,
    stop: stopChatOrder,
    /** The next seq the chat's order will deliver; undefined while nobody here listens. */
    nextSeq: (chatId: string): number | undefined => chatOrders.get(chatId)?.next,
    order: orderMessage,
  }
}
