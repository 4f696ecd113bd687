import { CHAT_WIDE_MENTIONS, isChatWideMention, isEveryoneMention } from './chat-wide-mentions'
import { parseMarkdown, type RichNode } from './markdown'
import { managesChat } from './permissions'
import type { ChatType, MemberRole } from './types/api'

/**
 * Mentions, one parser for the server (who is mentioned, when a message is stored) and
 * the client (what is highlighted). A mention is `@` and a username (3-32 of
 * `[A-Za-z0-9_.-]`, case-insensitive) that does not follow a letter, digit or `@`/`.`/`-`/`_`
 * (so `ann@example.com` is an address), minus trailing dots and dashes (the end of a
 * sentence). `@all`, `@channel`, `@everyone` and `@here` address the whole chat
 * (shared/chat-wide-mentions.ts). Mentions in code, code blocks and link text are not mentions.
 */

export type MentionPiece = string | { mention: string }

export { CHAT_WIDE_MENTIONS, EVERYONE_MENTIONS, isChatWideMention, isEveryoneMention } from './chat-wide-mentions'
/** Above this many members, only a channel's owners and admins may address all of it. */
export const CHAT_WIDE_MENTION_MEMBER_LIMIT = 50
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
  /** `@all`, `@channel`, `@everyone` or `@here` was written. */
  chatWide: boolean
  /** `@all`, `@channel` or `@everyone` was written (everyone in the chat; `@here` alone means those online). */
  everyone: boolean
}

function collect(nodes: RichNode[], found: Set<string>, state: { chatWide: boolean, everyone: boolean }) {
  for (const node of nodes) {
    if (node.kind === 'text') {
      for (const piece of splitMentions(node.text)) {
        if (typeof piece === 'string') continue
        const name = piece.mention.toLowerCase()
        if (isChatWideMention(name)) {
          state.chatWide = true
          if (isEveryoneMention(name)) state.everyone = true
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

/**
 * Whether `@all`/`@here` (and `@channel`/`@everyone`, which mean `@all`) from a member with
 * `role` addresses the chat: everywhere but a channel of more than 50 members, where only
 * its owners and admins may (a crowd is not paged by anyone who joined). The server applies it when it stores a message, the
 * composer offers `@all`/`@here` by it: one rule, so the offer never promises what the
 * server then ignores.
 */
export function mayMentionChatWide(chat: { type: ChatType, memberCount: number }, role: MemberRole | null | undefined): boolean {
  return chat.type !== 'channel' || chat.memberCount <= CHAT_WIDE_MENTION_MEMBER_LIMIT || managesChat(role)
}

/** What the server decided for a stored message (its DTO's fields). */
export interface DecidedMentions {
  content: string
  sender: { id: string, username: string }
  /** Ids of the named people it mentions. */
  mentions: readonly string[]
  /** A chat-wide mention (`@all`, `@channel`, `@everyone`, `@here`) was honoured. */
  mentionsAll: boolean
  /** Edited since: its names may no longer be the ones `mentions` was decided from. */
  edited: boolean
  /** The message replied to: the server mentions its author without a name in the text. */
  replyTo?: { senderId: string } | null
}

/** The names (lower-cased, without `@`) to show as mentions, and those that mention the viewer. */
export interface MentionHighlights {
  names: ReadonlySet<string>
  mine: ReadonlySet<string>
}

export const NO_HIGHLIGHTS: MentionHighlights = { names: new Set(), mine: new Set() }

/**
 * Which `@names` of a message mention someone, from what the server decided, not from the
 * text alone: a name that mentioned nobody (not a member, no such person, a plain member's
 * `@all` in a big channel) stays plain text. `mentions` holds ids, so each name is matched
 * by the id `idOf` knows for it (the viewer, the chat's members and senders the client
 * holds). The names it does not know are mentions exactly when the ids left over are as
 * many as they are (the server keeps at most one id per name, and none for the sender's
 * own); after an edit, or when the count cannot tell, they stay plain.
 */
export function mentionHighlights(message: DecidedMentions, viewer: { id: string, username: string } | null, idOf: (name: string) => string | undefined): MentionHighlights {
  const found = findMentions(message.content)
  const names = new Set<string>()
  const mine = new Set<string>()
  const viewerIsSender = viewer?.id === message.sender.id
  if (found.chatWide && message.mentionsAll) {
    for (const name of CHAT_WIDE_MENTIONS) {
      names.add(name)
      if (viewer && !viewerIsSender) mine.add(name)
    }
  }
  const ids = new Set(message.mentions)
  const senderName = message.sender.username.toLowerCase()
  const viewerName = viewer?.username.toLowerCase()
  const unknown: string[] = []
  const matchedIds = new Set<string>()
  for (const name of found.usernames) {
    if (name === senderName) continue
    const id = name === viewerName ? viewer!.id : idOf(name)
    if (id === undefined) unknown.push(name)
    else if (ids.has(id)) {
      matchedIds.add(id)
      names.add(name)
      if (id === viewer?.id) mine.add(name)
    }
  }
  // The author replied to is mentioned by the reply itself, not by a name (docs/messages.md).
  const repliedTo = message.replyTo?.senderId
  const byReply = repliedTo && ids.has(repliedTo) && !matchedIds.has(repliedTo) ? 1 : 0
  if (!message.edited && unknown.length > 0 && ids.size - matchedIds.size - byReply === unknown.length) {
    for (const name of unknown) names.add(name)
  }
  return { names, mine }
}
