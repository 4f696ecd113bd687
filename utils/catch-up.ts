import type { ReadyChat } from '#shared/types/api'
import type { useChatsStore } from '~/stores/chats'
import type { useMessagesStore } from '~/stores/messages'

/**
 * What a (re)connected socket's `ready` says, applied to what the tab holds: the chat list
 * reloaded once if anything differs, and every chat whose history is held caught up through
 * `/changes`, never reloaded (docs/api-realtime.md, "Resuming"; composables/useRealtime.ts).
 */
export async function catchUpWithReady(chatsOnServer: ReadyChat[], chats: ReturnType<typeof useChatsStore>, messages: ReturnType<typeof useMessagesStore>) {
  // Where each held chat stood before anything below is awaited: live events that arrive
  // during the chat list's reload raise a window's lastChangeSeq past what was missed, so
  // the catch-up starts from here, not from the window.
  const inSyncUpTo = new Map(Object.entries(messages.windows).map(([chatId, window]) => [chatId, window.lastChangeSeq]))
  // Events missed while away are not in a page requested before now either.
  messages.resyncOpening()
  // Chats that appeared, vanished or moved while we were away: reload the list once.
  const held = chats.byId
  const differs = chatsOnServer.length !== chats.list.length
    || chatsOnServer.some(chat => !held[chat.id] || held[chat.id]!.lastChangeSeq !== chat.lastChangeSeq || held[chat.id]!.lastSeq !== chat.lastSeq)
  if (differs || !chats.loaded) await chats.load().catch(() => {})
  const onServer = new Map(chatsOnServer.map(chat => [chat.id, chat]))
  await Promise.all(Object.keys(messages.windows).map(async (chatId) => {
    const latest = onServer.get(chatId)
    const heldUpTo = inSyncUpTo.get(chatId) ?? messages.windows[chatId]!.lastChangeSeq
    if (!latest) {
      // A channel looked at before joining is in no member's list: it catches up all the same.
      if (chats.byId[chatId]?.membership === null) await messages.catchUp(chatId, undefined, heldUpTo).catch(() => {})
      else messages.forget(chatId)
      return
    }
    if (latest.lastChangeSeq > heldUpTo) {
      await messages.catchUp(chatId, latest.lastChangeSeq, heldUpTo).catch(() => {})
    }
  }))
}
