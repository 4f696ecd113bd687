/**
 * Unsent text per chat, kept in the browser so switching chats or reloading keeps it.
 * A draft is its writer's, like the outbox: stored under the signed-in person's id, so it
 * comes back when they sign in again (after a logout, or a session ended elsewhere) and is
 * never put in the composer of another account signing in on the same browser
 * (docs/ui.md, "Drafts are their writer's"; tests/e2e/chat-drafts.spec.ts).
 */
const STORAGE_PREFIX = 'parley:drafts:'
/** Where drafts were kept for the whole browser, whoever wrote them: whose they are cannot be told, so they go. */
const BROWSER_WIDE_KEY = 'parley:drafts'

type Drafts = Record<string, string>

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

export function useChatDrafts() {
  if (typeof localStorage !== 'undefined') localStorage.removeItem(BROWSER_WIDE_KEY)

  function get(chatId: string): string {
    const key = storageKey()
    const text = key ? read(key)[chatId] : undefined
    return typeof text === 'string' ? text : ''
  }

  function set(chatId: string, text: string) {
    const key = storageKey()
    if (!key) return
    const { [chatId]: previous, ...others } = read(key)
    if (!text && previous === undefined) return
    const drafts = text ? { ...others, [chatId]: text } : others
    if (Object.keys(drafts).length === 0) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(drafts))
  }

  return { get, set }
}
