import type { Chat, ReadyChat } from '#shared/types/api'
import type { useChatsStore } from '~/stores/chats'
import type { useMessagesStore } from '~/stores/messages'

/**
 * What a (re)connected socket's `ready` says, applied to what the tab holds: the chat list
 * reloaded once, and every chat whose history is held caught up through
 * `/changes`, never reloaded (docs/api-realtime.md, "Resuming"; composables/useRealtime.ts).
 */
export async function catchUpWithReady(chatsOnServer: ReadyChat[], chats: ReturnType<typeof useChatsStore>, messages: ReturnType<typeof useMessagesStore>, onGone: (chatId: string, chat: Chat) => void) {
  // Where each held chat stood before anything below is awaited. A window's lastChangeSeq
  // never moves past a change it has not applied (utils/message-window.ts), so this is
  // where the catch-up starts even if live events land meanwhile.
  const inSyncUpTo = new Map(Object.entries(messages.windows).map(([chatId, window]) => [chatId, window.lastChangeSeq]))
  // Events missed while away are not in a page requested before now either.
  messages.resyncOpening()
  // The chat list is read again on every `ready`: what it holds cannot be compared with
  // `ready` to tell whether anything was missed, because an answer over HTTP (a send while
  // the socket was down) moves a chat's lastSeq and lastChangeSeq past the messages missed
  // before it. It also carries each direct chat's peer, as online or not now.
  // A chat the person was in and the list no longer has (removed, or deleted, while the
  // socket was down): its news never came, so it is said here (tests/e2e/chat-reconnect.spec.ts).
  const memberOf = Object.values(chats.byId).filter(chat => chat.membership)
  await chats.load().catch(() => {})
  for (const chat of memberOf) {
    if (chats.byId[chat.id]) continue
    messages.forget(chat.id)
    onGone(chat.id, chat)
  }
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
      await messages.catchUp(chatId, latest.lastChangeSeq, heldUpTo, { missedWhileAway: true }).catch(() => {})
      if (chats.activeChatId === chatId) chats.readPastFilledGap(chatId)
    }
  }))
}
