import MarkdownIt from 'markdown-it'
import type Token from 'markdown-it/lib/token.mjs'

/**
 * Messages are Markdown, parsed by markdown-it with raw HTML off into a small tree of
 * plain objects (never an HTML string). The client renders the tree into DOM nodes, so
 * text always stays text; notifications and push use its plain text.
 */

/** The elements a message may contain: the common subset chat products share. */
export type RichTag = 'p' | 'strong' | 'em' | 's' | 'code' | 'blockquote' | 'ul' | 'ol' | 'li' | 'a'

export type RichNode
  = | { kind: 'text', text: string }
    | { kind: 'break' }
    | { kind: 'element', tag: RichTag, children: RichNode[], href?: string, start?: number }
    /** A fenced code block: its text exactly as typed, and the language named after the fence. */
    | { kind: 'code', language: string | null, text: string }

/** Only these schemes ever become links; `javascript:`, `data:`, `vbscript:` and the rest stay text. */
const LINK_SCHEMES = /^(?:https?:|mailto:)/i

/** A link target the app will put in an `href`. */
export function isLinkHref(href: string): boolean {
  return LINK_SCHEMES.test(href.trim())
}

const FUZZY_TLDS = ['com', 'org', 'net', 'edu', 'gov', 'info', 'biz', 'dev', 'app', 'io', 'ai', 'eu']

const TAG_OF: Record<string, RichTag> = {
  paragraph: 'p',
  strong: 'strong',
  em: 'em',
  s: 's',
  blockquote: 'blockquote',
  bullet_list: 'ul',
  ordered_list: 'ol',
  list_item: 'li',
  link: 'a',
}

function createParser(): MarkdownIt {
  // 'zero' enables nothing; the subset is switched on by name. Headings, tables, images,
  // indented code (four leading spaces are common in chat) and raw HTML stay off.
  const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true })
  md.enable(['emphasis', 'strikethrough', 'backticks', 'fence', 'blockquote', 'list', 'link', 'linkify', 'autolink', 'newline', 'escape'])
  md.validateLink = isLinkHref
  // Bare domains link only under generic names: with every two-letter country code,
  // file names such as README.md or main.rs became links.
  md.linkify.tlds(FUZZY_TLDS, false)
  return md
}

let parser: MarkdownIt | undefined

interface Open { node: Extract<RichNode, { kind: 'element' }> | null, children: RichNode[] }

function pushText(children: RichNode[], text: string) {
  if (!text) return
  const last = children.at(-1)
  if (last?.kind === 'text') last.text += text
  else children.push({ kind: 'text', text })
}

/** Folds a flat run of markdown-it tokens (open, leaf, close) into the tree. */
function build(tokens: Token[], into: RichNode[]) {
  const stack: Open[] = [{ node: null, children: into }]
  const top = () => stack.at(-1)!
  for (const token of tokens) {
    if (token.nesting === 1) {
      const tag = TAG_OF[token.type.replace(/_open$/, '')]
      // Paragraphs of tight list items are hidden: their text sits in the item itself.
      if (!tag || token.hidden) {
        stack.push({ node: null, children: top().children })
        continue
      }
      const node: Extract<RichNode, { kind: 'element' }> = { kind: 'element', tag, children: [] }
      if (tag === 'a') node.href = token.attrGet('href') ?? undefined
      if (tag === 'ol') {
        const start = Number(token.attrGet('start') ?? 1)
        if (Number.isSafeInteger(start) && start !== 1) node.start = start
      }
      top().children.push(node)
      stack.push({ node, children: node.children })
    }
    else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop()
    }
    else if (token.type === 'inline') build(token.children ?? [], top().children)
    else if (token.type === 'text') pushText(top().children, token.content)
    else if (token.type === 'softbreak' || token.type === 'hardbreak') top().children.push({ kind: 'break' })
    else if (token.type === 'code_inline') top().children.push({ kind: 'element', tag: 'code', children: [{ kind: 'text', text: token.content }] })
    else if (token.type === 'fence') {
      const language = token.info.trim().split(/\s+/)[0] || null
      top().children.push({ kind: 'code', language, text: token.content.replace(/\n$/, '') })
    }
    // Anything else (none is enabled) contributes its text, never markup.
    else if (token.content) pushText(top().children, token.content)
  }
}

/** Parses a message's text into the tree the client renders. */
export function parseMarkdown(content: string): RichNode[] {
  parser ??= createParser()
  const nodes: RichNode[] = []
  build(parser.parse(content, {}), nodes)
  return nodes
}

function collectText(nodes: RichNode[], parts: string[]) {
  for (const node of nodes) {
    if (node.kind === 'text') parts.push(node.text)
    else if (node.kind === 'break') parts.push(' ')
    else if (node.kind === 'code') parts.push(` ${node.text} `)
    else {
      collectText(node.children, parts)
      if (node.tag === 'p' || node.tag === 'li' || node.tag === 'blockquote') parts.push(' ')
    }
  }
}

/** Characters without which a text's Markdown reads as the text itself, for search. */
const SEARCH_MARKUP = /[*_~`[\]<>\\\n]/

/** Anything but printable ASCII: only such a text can have accents or compatibility forms to fold. */
const BEYOND_ASCII = /[^ -~\t\n\r]/
/** The accents of Latin, Greek and Cyrillic letters once decomposed (the Combining Diacritical Marks block). */
const DIACRITICS = /[\u0300-\u036F]/g

/**
 * A text as search compares it: compatibility forms as their letters ("ﬁ" as "fi", "Ｍ" as
 * "M") and accented letters without their accents ("é", composed or as e + U+0301, as "e").
 * Marks that are letters' own in other scripts (kana's voicing, Hangul, Indic vowel signs)
 * are composed back, not dropped.
 */
export function foldForSearch(text: string): string {
  if (!BEYOND_ASCII.test(text)) return text
  return text.normalize('NFKD').replace(DIACRITICS, '').normalize('NFC')
}

/**
 * What search matches beside the text as typed: its words without the Markdown, on one line
 * ("**lunch** at" is found by "lunch at"), folded (`foldForSearch`: "creme brulee" finds
 * "Crème **brûlée**"), or null when that is the text itself. A text without any marker, line
 * break or character past ASCII is never parsed (most messages: no parser on their send).
 */
export function searchableText(content: string): string | null {
  const plain = SEARCH_MARKUP.test(content) ? markdownToPlainText(content, Number.POSITIVE_INFINITY) : content
  const folded = foldForSearch(plain)
  return folded === content ? null : folded
}

/** The words of a message without its Markdown, on one line (notification excerpts). */
export function markdownToPlainText(content: string, maxLength = 200): string {
  const parts: string[] = []
  collectText(parseMarkdown(content), parts)
  const text = parts.join('').replace(/\s+/g, ' ').trim()
  const points = Array.from(text)
  return points.length > maxLength ? `${points.slice(0, maxLength - 1).join('')}…` : text
}
