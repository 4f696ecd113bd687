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
  /**
   * Every change of the chat up to this changeSeq is applied: where `/changes?since=`
   * resumes. It moves only over changes seen, never over a gap.
   */
  lastChangeSeq: number
  /**
   * ChangeSeqs applied past a gap: an answer over HTTP (a send, an edit, a reaction) can
   * land before the events of the changes made just before it, or while the socket is down
   * and they are not coming. `lastChangeSeq` moves over them once the gap is filled.
   */
  appliedAhead: number[]
}

export function emptyWindow(): MessageWindow {
  return { bySeq: {}, seqById: {}, hasMoreBefore: false, hasMoreAfter: false, lastChangeSeq: 0, appliedAhead: [] }
}

/** The lowest and highest seq held (null: none). */
export function heldBounds(window: MessageWindow): { min: number, max: number } | null {
  const seqs = Object.keys(window.bySeq).map(Number)
  if (seqs.length === 0) return null
  return { min: Math.min(...seqs), max: Math.max(...seqs) }
}

/** Moves `lastChangeSeq` over the changes applied ahead that now follow it without a gap. */
function closeGaps(window: MessageWindow) {
  const ahead = new Set(window.appliedAhead)
  while (ahead.delete(window.lastChangeSeq + 1)) window.lastChangeSeq++
  window.appliedAhead = [...ahead].filter(changeSeq => changeSeq > window.lastChangeSeq)
}

/** Change `changeSeq` is applied (a message's version carries its last change). */
function noteChange(window: MessageWindow, changeSeq: number) {
  if (changeSeq <= window.lastChangeSeq || window.appliedAhead.includes(changeSeq)) return
  window.appliedAhead.push(changeSeq)
  closeGaps(window)
}

/** Every change up to `changeSeq` is applied (a `/changes` page, a fresh latest page). */
export function markCaughtUp(window: MessageWindow, changeSeq: number) {
  window.lastChangeSeq = Math.max(window.lastChangeSeq, changeSeq)
  closeGaps(window)
}

/**
 * The last seq of the held run that has no missing seq before it: a message past a gap
 * (the answer to a send, made while the socket was down) is held, but the messages before
 * it are not on screen yet, so nothing past this counts as read.
 */
export function heldWithoutGapThrough(window: MessageWindow): number | null {
  const seqs = Object.keys(window.bySeq).map(Number)
  if (seqs.length === 0) return null
  // Called as the reader scrolls; a run without a gap, the usual case, needs no sort.
  const max = Math.max(...seqs)
  if (max - Math.min(...seqs) + 1 === seqs.length) return max
  seqs.sort((a, b) => a - b)
  let through = seqs[0]!
  for (const seq of seqs.slice(1)) {
    if (seq !== through + 1) break
    through = seq
  }
  return through
}

/**
 * Applies one message (from a page, an event, an ack or `/changes`) idempotently:
 * a version that is not newer than the one held (by changeSeq) changes nothing, and
 * a new message outside the held run is left for the page that will load it. A new
 * message just past the latest held can come past a gap (an answer over HTTP before the
 * events of the messages before it): it is held, and the gap is filled by those events
 * or by the catch-up, which starts at `lastChangeSeq`, before the gap. Returns whether
 * anything changed.
 */
export function applyToWindow(window: MessageWindow, message: Message): boolean {
  noteChange(window, message.changeSeq)
  const heldSeq = window.seqById[message.id]
  if (heldSeq !== undefined) {
    const held = window.bySeq[heldSeq]
    if (held && held.changeSeq >= message.changeSeq) return false
    window.bySeq[heldSeq] = message
    return true
  }
  const range = heldBounds(window)
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
    noteChange(window, message.changeSeq)
  }
  // A page that replaces the run holds every change made to its messages before it was
  // read (one made since has a higher changeSeq); changes to messages outside it are not
  // the run's: they come with the page that loads those messages. A page added to the run
  // says nothing of the messages held already, whose changes may still be on their way.
  if (direction === 'replace') markCaughtUp(window, Math.max(0, ...page.items.map(message => message.changeSeq)))
  if (direction !== 'after') window.hasMoreBefore = page.hasMoreBefore
  if (direction !== 'before') window.hasMoreAfter = page.hasMoreAfter
}

/** The held messages in seq order: the only order the UI renders. */
export function orderedMessages(window: MessageWindow): Message[] {
  return Object.values(window.bySeq).sort((a, b) => a.seq - b.seq)
}
