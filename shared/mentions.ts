import { parseMarkdown, type RichNode } from './markdown'

/**
 * Mentions, one parser for the server (who is mentioned, when a message is stored) and
 * the client (what is highlighted). A mention is `@` and a username (3-32 of
 * `[A-Za-z0-9_.-]`, case-insensitive) that does not follow a letter, digit or `@`/`.`/`-`/`_`
 * (so `ann@example.com` is an address), minus trailing dots and dashes (the end of a
 * sentence). `@all` and `@here` address the whole chat. Mentions in code, code blocks and
 * link text are not mentions.
 */

export type MentionPiece = string | { mention: string }

/** Everyone in the chat (`@all`) or everyone there now (`@here`). */
export const CHAT_WIDE_MENTIONS = ['all', 'here'] as const
/** More distinct people than this in one message are not mentioned (it caps the writes of a send). */
export const MAX_MENTIONS_PER_MESSAGE = 20

const MENTION = /(?<![\w@.-])@([A-Za-z0-9_.-]+)/g

function clean(name: string): string | null {
  const trimmed = name.replace(/[.-]+$/, '')
  return trimmed.length >= 3 && trimmed.length <= 32 ? trimmed : null
}

/** Splits text into plain pieces and mentions (the name as typed, without the `@`). */
export function splitMentions(text: string): MentionPiece[] {
  const pieces: MentionPiece[] = []
  let at = 0
  for (const match of text.matchAll(MENTION)) {
    const name = clean(match[1]!)
    if (!name) continue
    const start = match.index!
    if (start > at) pieces.push(text.slice(at, start))
    pieces.push({ mention: name })
    at = start + 1 + name.length
  }
  if (at < text.length) pieces.push(text.slice(at))
  return pieces
}

export interface MentionsFound {
  /** Lower-cased usernames, each once, in order, at most MAX_MENTIONS_PER_MESSAGE. */
  usernames: string[]
  /** `@all` or `@here` was written. */
  chatWide: boolean
  /** `@all` was written (everyone in the chat; `@here` alone means those online). */
  everyone: boolean
}

function collect(nodes: RichNode[], found: Set<string>, state: { chatWide: boolean, everyone: boolean }) {
  for (const node of nodes) {
    if (node.kind === 'text') {
      for (const piece of splitMentions(node.text)) {
        if (typeof piece === 'string') continue
        const name = piece.mention.toLowerCase()
        if ((CHAT_WIDE_MENTIONS as readonly string[]).includes(name)) {
          state.chatWide = true
          if (name === 'all') state.everyone = true
        }
        else if (found.size < MAX_MENTIONS_PER_MESSAGE) found.add(name)
      }
    }
    else if (node.kind === 'element' && node.tag !== 'code' && node.tag !== 'a') collect(node.children, found, state)
  }
}

/** The mentions of a message's text, as the server records them. */
export function findMentions(content: string): MentionsFound {
  const found = new Set<string>()
  const state = { chatWide: false, everyone: false }
  collect(parseMarkdown(content), found, state)
  return { usernames: [...found], ...state }
}

export function isChatWideMention(name: string): boolean {
  return (CHAT_WIDE_MENTIONS as readonly string[]).includes(name.toLowerCase())
}
