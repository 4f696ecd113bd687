import { describe, expect, it } from 'vitest'
import { markdownToPlainText, searchableText } from '#shared/markdown'
import { findSearchMatches, matchesSearch, searchQueryForms } from '#shared/search'
import { searchSnippet, type SnippetPart } from '~~/utils/search-snippet'

/** The snippet as it reads, the marked pieces in [brackets]. */
const read = (parts: SnippetPart[]) => parts.map(part => part.marked ? `[${part.text}]` : part.text).join('')
const marked = (text: string, words: string) => findSearchMatches(text, words).map(match => text.slice(match.start, match.end))

/** The server's test (server/services/messages/history.ts): a form, case-insensitive, in the text as typed or its searchText. */
function serverFinds(content: string, words: string) {
  const fields = [content, searchableText(content) ?? content]
  return searchQueryForms(words).some(form => fields.some(field => new RegExp(form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu').test(field)))
}

describe('findSearchMatches', () => {
  it('marks the words as the message writes them, whatever the case', () => {
    expect(marked('The venue is the Lighthouse, near the LIGHTHOUSE café', 'lighthouse')).toEqual(['Lighthouse', 'LIGHTHOUSE'])
  })

  it('marks a phrase as one match, and not its words apart (the server matches the phrase)', () => {
    expect(marked('lunch at noon, lunch later, at noon', 'lunch at noon')).toEqual(['lunch at noon'])
  })

  it('marks accented letters for words typed without them, and the other way round', () => {
    expect(marked('Crème brûlée at the Café', 'creme brulee')).toEqual(['Crème brûlée'])
    expect(marked('the cafe is closed', 'café')).toEqual(['cafe'])
    // An "é" typed as e + U+0301 is marked whole, accent included.
    expect(marked('Cafe\u0301 au lait', 'cafe')).toEqual(['Cafe\u0301'])
    expect(marked('ﬁve ＭＥＮＵ items', 'five menu')).toEqual(['ﬁve ＭＥＮＵ'])
  })

  it('keeps other scripts exact: kana with their voicing, Cyrillic by case', () => {
    expect(marked('きょうはがっこう', 'がっこう')).toEqual(['がっこう'])
    expect(marked('きょうはかっこう', 'がっこう')).toEqual([])
    expect(marked('Встреча у Маяка', 'маяка')).toEqual(['Маяка'])
  })

  it('marks nothing when the message was found only by its Markdown as typed', () => {
    expect(marked(markdownToPlainText('**bold** words', Infinity), '**bold**')).toEqual([])
  })

  it('finds a message\'s words exactly when a model of the server\'s test does', () => {
    const cases: Array<[string, string]> = [
      ['Read the **house rules** first', 'house rules'],
      ['Crème **brûlée**', 'creme brulee'],
      ['Café', 'CAFÉ'],
      ['the cafe', 'café'],
      ['ＭＥＮＵ of the day', 'menu'],
      ['lunch\nat noon', 'lunch at noon'],
      ['the lighthouse', 'light house'],
      ['Маяк', 'маяк'],
      ['`npm ci` then', 'npm ci then'],
    ]
    for (const [content, words] of cases) {
      expect(findSearchMatches(markdownToPlainText(content, Infinity), words).length > 0, `${content} / ${words}`).toBe(serverFinds(content, words))
    }
  })
})

describe('matchesSearch', () => {
  // What an edited search result is kept by (components/chat/SearchDialog.vue): the server's test.
  it('finds a text exactly when the server does, Markdown as typed included', () => {
    const cases: Array<[string, string]> = [
      ['Read the **house rules** first', 'house rules'],
      ['Read the **house rules** first', '**house'],
      ['Crème **brûlée**', 'creme brulee'],
      ['Café', 'CAFÉ'],
      ['ＭＥＮＵ of the day', 'menu'],
      ['slurXXXX reworded kindly', 'slurxxxx'],
      ['all fine now', 'slurXXXX'],
      ['the lighthouse', 'light house'],
    ]
    for (const [content, words] of cases) expect(matchesSearch(content, words), `${content} / ${words}`).toBe(serverFinds(content, words))
  })
})

describe('searchSnippet', () => {
  const long = 'Quick recap of the long planning thread: we keep the budget as agreed, the caterer confirmed the '
    + 'vegetarian menu, the band plays from eight, and the venue is the Lighthouse'

  it('shows the end of a long message around its match, from a word shortly before it', () => {
    expect(read(searchSnippet(long, 'lighthouse'))).toBe('…eight, and the venue is the [Lighthouse]')
  })

  it('shows a text from its start when the match is near it, with "…" after a cut end', () => {
    expect(read(searchSnippet(long, 'recap', { maxLength: 20 }))).toBe('Quick [recap] of the l…')
    expect(read(searchSnippet('short and sweet', 'sweet'))).toBe('short and [sweet]')
  })

  it('marks every match it shows, and shows the first one whole however long', () => {
    expect(read(searchSnippet('tea or tea, more tea', 'tea'))).toBe('[tea] or [tea], more [tea]')
    const words = 'x'.repeat(90)
    expect(read(searchSnippet(`${'a'.repeat(400)} ${words}`, words, { maxLength: 20 }))).toBe(`…[${words}]`)
  })

  it('shows the start, unmarked, when nothing matches the words people see', () => {
    expect(read(searchSnippet(long, '**venue**', { maxLength: 11 }))).toBe('Quick recap…')
  })

  it('never splits an emoji or a letter from its accent when cutting without a space', () => {
    const text = `${'😀'.repeat(30)}e\u0301${'😀'.repeat(10)}target`
    expect(read(searchSnippet(text, 'target', { lead: 21 }))).toBe(`…${'😀'.repeat(10)}[target]`)
    expect(read(searchSnippet(text, 'target', { lead: 22 }))).toBe(`…e\u0301${'😀'.repeat(10)}[target]`)
    expect(read(searchSnippet(text, 'target', { lead: 23 }))).toBe(`…e\u0301${'😀'.repeat(10)}[target]`)
  })
})
