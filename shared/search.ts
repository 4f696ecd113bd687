import { foldForSearch, searchableText } from './markdown'

/**
 * The forms of a search's words the server looks for, each as a case-insensitive substring
 * of a message's text as typed and of its `searchText` (docs/messages.md, "Search"): the
 * words as typed (composed, NFC) and folded (`foldForSearch`).
 */
export function searchQueryForms(words: string): string[] {
  const typed = words.normalize('NFC')
  return [...new Set([typed, foldForSearch(typed)])]
}

/**
 * Whether the server's search would find a message of this text by these words: one of
 * their forms in the text as typed or in its `searchText`, in any case (an edited search
 * result still found, components/chat/SearchDialog.vue).
 */
export function matchesSearch(content: string, words: string): boolean {
  const texts = [content, searchableText(content) ?? ''].map(text => text.toLowerCase())
  return searchQueryForms(words).some(form => texts.some(text => text.includes(form.toLowerCase())))
}

/** A match's place in a text: `text.slice(start, end)` is what to mark. */
export interface SearchMatch { start: number, end: number }

/** A letter (or anything) and the combining marks after it: folded together, never split. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu

/**
 * A text as search compares it, with where each of its code units came from: folded per
 * cluster (accents off, compatibility forms as their letters, as `foldForSearch` does to
 * the whole text) and in lower case (the server's case-insensitive match), so a match
 * found in the compared form maps back to whole clusters of the text.
 */
function comparable(text: string): { form: string, starts: number[], ends: number[] } {
  let form = ''
  const starts: number[] = []
  const ends: number[] = []
  for (const cluster of text.matchAll(CLUSTER)) {
    const folded = foldForSearch(cluster[0]).toLowerCase()
    form += folded
    for (let unit = 0; unit < folded.length; unit++) {
      starts.push(cluster.index)
      ends.push(cluster.index + cluster[0].length)
    }
  }
  return { form, starts, ends }
}

/**
 * Where search's words are in a text people see (a message without its Markdown, on one
 * line: `markdownToPlainText`): every match, in order, not overlapping. The server finds a
 * message by these words in its `searchText`, the same text folded, so this marks what it
 * matched, whatever the case and accents ("cafe" marks "Café"). A message found only by its
 * Markdown as typed (a search for "**bold**" or a link's address) has no match here.
 */
export function findSearchMatches(text: string, words: string): SearchMatch[] {
  const needle = comparable(words.normalize('NFC')).form
  if (!needle) return []
  const { form, starts, ends } = comparable(text)
  const matches: SearchMatch[] = []
  for (let at = form.indexOf(needle); at !== -1; at = form.indexOf(needle, at + needle.length)) {
    const start = starts[at]!
    const end = ends[at + needle.length - 1]!
    const previous = matches[matches.length - 1]
    // A match ending inside a cluster another starts in: one mark over both.
    if (previous && start < previous.end) previous.end = Math.max(previous.end, end)
    else matches.push({ start, end })
  }
  return matches
}
