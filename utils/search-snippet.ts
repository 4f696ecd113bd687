import { findSearchMatches } from '#shared/search'

/** A piece of a search result's text: marked when it is what the search matched. */
export interface SnippetPart { text: string, marked: boolean }

export interface SnippetOptions {
  /** At most this many characters shown before the first match (the word it cuts is dropped). */
  lead?: number
  /** At most this many characters shown from there (the result clamps its lines anyway). */
  maxLength?: number
}

const ELLIPSIS = '…'

/** The index at or after `index` that splits neither a surrogate pair nor a letter from its accents. */
function clusterStart(text: string, index: number): number {
  while (index < text.length && /^(?:[\uDC00-\uDFFF]|\p{M})/u.test(text.slice(index, index + 2))) index++
  return index
}

/**
 * What a search result shows of a message's text (one line, without Markdown): the part
 * around the first match, from the start of a word shortly before it ("…" before it when
 * the text does not start there, and after it when the text goes on), every match in it
 * marked. Without a match (a message found only by its Markdown as typed) the text's start.
 * The first match is always whole in it, however far into a long message it is
 * (docs/ui.md, "A search result shows where it matched").
 */
export function searchSnippet(text: string, words: string, { lead = 30, maxLength = 300 }: SnippetOptions = {}): SnippetPart[] {
  const matches = findSearchMatches(text, words)
  const first = matches[0]
  let start = 0
  if (first && first.start > lead) {
    const space = text.indexOf(' ', first.start - lead)
    start = space !== -1 && space < first.start ? space + 1 : clusterStart(text, first.start - lead)
  }
  const end = Math.min(text.length, clusterStart(text, Math.max(start + maxLength, first?.end ?? 0)))

  const parts: SnippetPart[] = []
  const add = (from: number, to: number, marked: boolean) => {
    if (to > from) parts.push({ text: text.slice(from, to), marked })
  }
  let at = start
  for (const match of matches) {
    if (match.end <= at) continue
    if (match.start >= end) break
    add(at, Math.max(at, match.start), false)
    add(Math.max(at, match.start), Math.min(end, match.end), true)
    at = Math.min(end, match.end)
  }
  add(at, end, false)
  if (start > 0) parts.unshift({ text: ELLIPSIS, marked: false })
  if (end < text.length) parts.push({ text: ELLIPSIS, marked: false })
  return parts
}
