import type { Message } from '#shared/types/api'

/**
 * Unsent text per chat, and the message it replies to, kept in the browser so switching
 * chats or reloading keeps them: the reply bar used to go on a switch while the words
 * stayed, and Enter sent them without the quote or the mention of the original's author
 * (docs/ui.md, "A reply is part of the draft"; tests/e2e/chat-drafts.spec.ts).
 * A draft is its writer's, like the outbox: stored under the signed-in person's id, so it
 * comes back when they sign in again (after a logout, or a session ended elsewhere) and is
 * never put in the composer of another account signing in on the same browser
 * (docs/ui.md, "Drafts are their writer's").
 */
const STORAGE_PREFIX = 'parley:drafts:'
/** Where drafts were kept for the whole browser, whoever wrote them: whose they are cannot be told, so they go. */
const BROWSER_WIDE_KEY = 'parley:drafts'

/** A draft: its text alone (as drafts were first kept), or with the message it replies to. */
type Draft = string | { text: string, replyTo: Message }
type Drafts = Record<string, Draft>

function storageKey(): string | null {
  const userId = useAuthStore().user?.id
  return userId && typeof localStorage !== 'undefined' ? `${STORAGE_PREFIX}${userId}` : null
}

function read(key: string): Drafts {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '{}')
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Drafts : {}
  }
  catch {
    return {}
  }
}

/** The reply target kept with a chat's draft, if it still looks like one of that chat's messages. */
function replyOf(draft: Draft | undefined, chatId: string): Message | null {
  if (!draft || typeof draft !== 'object') return null
  const message = draft.replyTo as Partial<Message> | undefined
  return message && typeof message.id === 'string' && message.chatId === chatId && typeof message.sender?.displayName === 'string' ? message as Message : null
}

function textOf(draft: Draft | undefined): string {
  const text = typeof draft === 'object' && draft ? draft.text : draft
  return typeof text === 'string' ? text : ''
}

export function useChatDrafts() {
  if (typeof localStorage !== 'undefined') localStorage.removeItem(BROWSER_WIDE_KEY)

  function draftOf(chatId: string): Draft | undefined {
    const key = storageKey()
    return key ? read(key)[chatId] : undefined
  }

  function write(chatId: string, text: string, replyTo: Message | null) {
    const key = storageKey()
    if (!key) return
    const { [chatId]: previous, ...others } = read(key)
    if (!text && !replyTo && previous === undefined) return
    const drafts: Drafts = text || replyTo ? { ...others, [chatId]: replyTo ? { text, replyTo: toRaw(replyTo) } : text } : others
    if (Object.keys(drafts).length === 0) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(drafts))
  }

  function get(chatId: string): string {
    return textOf(draftOf(chatId))
  }

  /** The draft's text; the message it replies to stays. */
  function set(chatId: string, text: string) {
    write(chatId, text, replyOf(draftOf(chatId), chatId))
  }

  function getReply(chatId: string): Message | null {
    return replyOf(draftOf(chatId), chatId)
  }

  /** The message the draft replies to (null: none); its text stays. */
  function setReply(chatId: string, message: Message | null) {
    write(chatId, get(chatId), message)
  }

  return { get, set, getReply, setReply }
}
