import { createEventHook } from '@vueuse/core'
import type { Chat, Me, Message, ReadyChat, ServerFrame, User } from '#shared/types/api'
import type { NotSentNotice } from '~/stores/outbox-not-sent'

/** What applying a frame needs: the stores and helpers useRealtime wired, and its own steps. */
export interface FrameContext {
  api: ReturnType<typeof useApi>
  auth: ReturnType<typeof useAuthStore>
  chats: ReturnType<typeof useChatsStore>
  messages: ReturnType<typeof useMessagesStore>
  presence: ReturnType<typeof usePresenceStore>
  outbox: ReturnType<typeof useOutboxStore>
  notifications: ReturnType<typeof useChatNotifications>
  router: ReturnType<typeof useRouter>
  snackbar: ReturnType<typeof useSnackbarStore>
  /** The socket is (re)connected: catch up with what `ready` says. */
  onReady: (chatsOnServer: ReadyChat[]) => void
  sendVisibility: () => void
  /** Stops the socket for good (the session ended). */
  stop: () => void
}

/**
 * Edits and deletions as they arrive live, for what holds copies of messages outside the
 * chats' windows (the message search's results, components/chat/SearchDialog.vue).
 */
export const messageChanges = createEventHook<Message>()

/**
 * A person's new public profile as it arrives live (a name, a role, a ban or unban), for
 * what holds people found by a search (composables/useUserChanges.ts).
 */
export const userChanges = createEventHook<User>()

/**
 * The person can no longer write in a chat (deleted, or the viewer is no member now). The
 * open chat: the person is told which chat, by name, and lands on the home page, which
 * opens no other chat by itself. Messages written there that the server never took
 * (written offline, or still on their way) cannot be sent now: they leave the outbox, each
 * tried once first (one stored before, its answer lost, is sent; a public channel's stays
 * there to send after joining: stores/outbox.ts giveUpOn), and the same notice says how
 * many were not sent, open chat or not, and offers their words to copy, shown until closed
 * (docs/ui.md, "Messages not sent"). `told`: the person left in this tab, and only unsent
 * messages are news.
 */
export function leaveGoneChat(context: Pick<FrameContext, 'chats' | 'router' | 'snackbar' | 'outbox'>, chatId: string, why: (chat: Chat) => string, chat: Chat | undefined = context.chats.byId[chatId], told = false) {
  const { chats, router, snackbar, outbox } = context
  const open = chats.activeChatId === chatId && !told
  const news = chat ? why(chat) : 'This chat is no longer available.'
  if (open) void router.push('/')
  if (outbox.pendingIn(chatId).length === 0) {
    if (open) snackbar.notify(news, { color: 'info' })
    return
  }
  void outbox.giveUpOn(chatId, news).then((notice) => {
    if (notice) tellNotSent(context, notice)
    else if (open) snackbar.notify(news, { color: 'info' })
  })
}

/**
 * Says a not-sent notice, with Copy. Its words stay in the browser until the person copies
 * them or closes it: a reload says it again (composables/useRealtime.ts).
 */
export function tellNotSent({ snackbar, outbox }: Pick<FrameContext, 'snackbar' | 'outbox'>, notice: NotSentNotice) {
  const count = notice.words.length
  const text = `${notice.news} ${count === 1 ? 'A message' : `${count} messages`} you wrote there ${count === 1 ? 'was' : 'were'} not sent.`
  // Forgotten as the notice goes, in the store itself: a watcher would stop with the page
  // that made it (a sign-out), and the notice would come back at the next sign-in.
  snackbar.notify(text, {
    color: 'warning',
    timeout: -1,
    action: { label: 'Copy', run: () => copyWords(notice.words, snackbar) },
    onClose: () => outbox.forgetNotSent(notice.id),
  })
}

/** Puts the messages' words on the clipboard, one paragraph each; whether it could. */
async function copyWords(words: string[], snackbar: FrameContext['snackbar']): Promise<boolean> {
  try {
    await writeToClipboard(words.join('\n\n'))
    snackbar.notify(words.length === 1 ? 'Copied the message.' : `Copied the ${words.length} messages.`, { color: 'success' })
    return true
  }
  catch {
    snackbar.notify('Copying needs clipboard access', { color: 'error' })
    return false
  }
}

/**
 * What each server frame does to the tab's stores (composables/useRealtime.ts owns the
 * connection and hands every frame here). Every change is idempotent: a frame applied
 * twice, or after a fetch that already had it, changes nothing more (docs/api-realtime.md).
 */
export function applyServerFrame(frame: ServerFrame, context: FrameContext) {
  const { auth, chats, messages, presence, outbox, notifications, router } = context
  switch (frame.type) {
    case 'ready':
      // The account as it is now: a change missed while connecting (an email confirmed) shows.
      if (auth.user?.id === frame.user.id) auth.setUser(frame.user)
      context.sendVisibility()
      context.onReady(frame.chats)
      break
    case 'message.created': {
      const { message } = frame
      messages.apply(message)
      // A chat we do not hold yet (joined in another tab, say) is fetched once.
      if (!chats.byId[message.chatId]) void chats.fetchChat(message.chatId).catch(() => {})
      // Counted unread even in the open chat: the list marks it read once it is on screen.
      else chats.applyMessage(message)
      outbox.settle(message)
      if (chats.activeChatId === message.chatId) chats.readPastFilledGap(message.chatId)
      presence.stopTyping(message.chatId, message.sender.id)
      if (message.sender.id !== auth.user?.id) {
        notifications.notify(message, chats.byId[message.chatId], () => void router.push(`/chats/${message.chatId}`))
      }
      break
    }
    case 'message.updated':
      messages.apply(frame.message)
      chats.applyMessage(frame.message)
      void messageChanges.trigger(frame.message)
      break
    case 'message.deleted': {
      // Counted out of the unread only once, whichever way the deletion came first.
      const { message } = frame
      const firstNews = !messages.isDeleted(message.chatId, message.id)
      messages.apply(message)
      if (firstNews) chats.applyDeletion(message)
      else chats.applyMessage(message)
      void messageChanges.trigger(message)
      break
    }
    case 'typing':
      presence.applyTyping(frame.chatId, frame.userId, frame.expiresAt, frame.displayName)
      break
    case 'presence':
      presence.apply(frame.userId, frame.online, frame.lastSeenAt)
      break
    case 'user.updated': {
      // A new display name (or role): every place that shows the person, and the viewer's own menus.
      const { user } = frame
      presence.names[user.id] = user.displayName
      chats.applyUser(user)
      messages.applySender(user)
      void userChanges.trigger(user)
      if (auth.user?.id !== user.id) break
      // What only the person sees (the email confirmed in another tab) is read again.
      auth.setUser({ ...auth.user, displayName: user.displayName, role: user.role })
      context.api<{ user: Me }>('/api/auth/me').then(result => auth.setUser(result.user), () => {})
      break
    }
    case 'read':
      chats.applyRead(frame.chatId, frame.userId, frame.seq)
      break
    case 'chat.created':
    case 'chat.updated':
      chats.upsert(frame.chat)
      break
    case 'chat.deleted':
      leaveGoneChat(context, frame.chatId, chat => chat.type === 'direct' ? `Your chat with ${isolate(chatTitle(chat))} was deleted.` : `${isolate(chatTitle(chat))} was deleted.`)
      chats.remove(frame.chatId)
      messages.forget(frame.chatId)
      break
    case 'member.added':
      chats.applyMemberAdded(frame.chatId, frame.user, frame.role)
      break
    case 'member.removed':
      if (frame.userId === auth.user?.id) {
        // Leaving in this tab needs no news but unsent messages (the mark is used up);
        // another tab cannot tell leaving from removal.
        leaveGoneChat(context, frame.chatId, chat => `You are no longer a member of ${isolate(chatTitle(chat))}.`, undefined, chats.leaving.delete(frame.chatId))
        messages.forget(frame.chatId)
      }
      chats.applyMemberRemoved(frame.chatId, frame.userId)
      break
    case 'member.updated':
      chats.applyMemberRole(frame.chatId, frame.userId, frame.role)
      break
    case 'session.revoked': {
      // This session was ended elsewhere (logout, password change, ban): sign out here too,
      // saying why (utils/session-end.ts), and come back to this page after signing in again.
      context.stop()
      auth.clear()
      // A frame without a reason was ended elsewhere all the same ('revoked').
      void router.push(loginAfterSessionEnd(router.currentRoute.value.fullPath, frame.reason ?? 'revoked', context.snackbar))
      break
    }
    case 'ack':
      // `chat.watch`'s answer (composables/useConversation.ts): the messages the channel's
      // history, read before the socket listened, missed are within these counters, and
      // `/changes` brings them, as `ready` does for the person's own chats (utils/catch-up.ts).
      // A new name, topic or member count takes no changeSeq: the channel is read again.
      if (!frame.chat) break
      if ((messages.windows[frame.chat.id]?.lastChangeSeq ?? Infinity) < frame.chat.lastChangeSeq) {
        void messages.catchUp(frame.chat.id, frame.chat.lastChangeSeq).catch(() => {})
      }
      void chats.fetchChat(frame.chat.id).catch(() => {})
      break
    case 'error':
      // Frames we send are fire-and-forget (typing, chat.watch); their refusals need no UI.
      break
    default:
      break
  }
}
