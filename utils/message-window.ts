import type { Message } from '#shared/types/api'

/**
 * The part of one chat's history the client holds: a contiguous run of seqs.
 * `hasMoreBefore` / `hasMoreAfter` say whether the server has messages outside it.
 */
export interface MessageWindow {
  bySeq: Record<number, Message>
  seqById: Record<string, number>
  hasMoreBefore: boolean
  hasMoreAfter: boolean
  /** The highest changeSeq applied: where `/changes?since=` resumes. */
  lastChangeSeq: number
}

export function emptyWindow(): MessageWindow {
  return { bySeq: {}, seqById: {}, hasMoreBefore: false, hasMoreAfter: false, lastChangeSeq: 0 }
}

function bounds(window: MessageWindow): { min: number, max: number } | null {
  const seqs = Object.keys(window.bySeq).map(Number)
  if (seqs.length === 0) return null
  return { min: Math.min(...seqs), max: Math.max(...seqs) }
}

/**
 * Applies one message (from a page, an event, an ack or `/changes`) idempotently:
 * a version that is not newer than the one held (by changeSeq) changes nothing, and
 * a new message outside the held run is left for the page that will load it, so the
 * run never gets a hole. Returns whether anything changed.
 */
export function applyToWindow(window: MessageWindow, message: Message): boolean {
  window.lastChangeSeq = Math.max(window.lastChangeSeq, message.changeSeq)
  const heldSeq = window.seqById[message.id]
  if (heldSeq !== undefined) {
    const held = window.bySeq[heldSeq]
    if (held && held.changeSeq >= message.changeSeq) return false
    window.bySeq[heldSeq] = message
    return true
  }
  const range = bounds(window)
  if (range) {
    if (message.seq > range.max && window.hasMoreAfter) return false
    if (message.seq < range.min && window.hasMoreBefore) return false
  }
  window.bySeq[message.seq] = message
  window.seqById[message.id] = message.seq
  return true
}

/** Merges a history page and its edges into the window. */
export function applyPage(
  window: MessageWindow,
  page: { items: Message[], hasMoreBefore: boolean, hasMoreAfter: boolean },
  direction: 'replace' | 'before' | 'after',
): void {
  if (direction === 'replace') {
    window.bySeq = {}
    window.seqById = {}
  }
  for (const message of page.items) {
    const heldSeq = window.seqById[message.id]
    const held = heldSeq === undefined ? undefined : window.bySeq[heldSeq]
    if (held && held.changeSeq >= message.changeSeq) continue
    window.bySeq[message.seq] = message
    window.seqById[message.id] = message.seq
    window.lastChangeSeq = Math.max(window.lastChangeSeq, message.changeSeq)
  }
  if (direction !== 'after') window.hasMoreBefore = page.hasMoreBefore
  if (direction !== 'before') window.hasMoreAfter = page.hasMoreAfter
}

/** The held messages in seq order: the only order the UI renders. */
export function orderedMessages(window: MessageWindow): Message[] {
  return Object.values(window.bySeq).sort((a, b) => a.seq - b.seq)
}
