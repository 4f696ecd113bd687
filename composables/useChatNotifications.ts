import { useLocalStorage } from '@vueuse/core'
import type { Chat, Message } from '#shared/types/api'
import { wantsNotification } from '#shared/notifications'

type PermissionState = NotificationPermission | 'unsupported'

const permission = ref<PermissionState>('default')

/** Browser notifications for new messages while the tab is hidden (opt-in, per browser). */
export function useChatNotifications() {
  const enabled = useLocalStorage('parley:notifications', false)
  const supported = import.meta.client && typeof window !== 'undefined' && 'Notification' in window

  if (supported) permission.value = Notification.permission
  else permission.value = 'unsupported'

  async function enable(): Promise<boolean> {
    if (!supported) return false
    if (Notification.permission !== 'granted') permission.value = await Notification.requestPermission()
    enabled.value = permission.value === 'granted'
    return enabled.value
  }

  function disable() {
    enabled.value = false
  }

  function notify(message: Message, chat: Chat | undefined, open: () => void) {
    if (!supported || !enabled.value || Notification.permission !== 'granted' || document.visibilityState === 'visible') return
    // The chat's own setting, by the rule Web Push follows (shared/notifications.ts): muted
    // chats never notify, "mentions only" ones only for a mention.
    // A channel looked at without joining (watched while shown) notifies nothing.
    if (chat && !chat.membership) return
    if (chat?.membership && !wantsNotification(chat.type, chat.membership, useChatsStore().mentionsViewer(message), serverNow())) return
    const where = chat && chat.type !== 'direct' ? ` in ${isolate(chatTitle(chat))}` : ''
    // The body is the message's words without its Markdown; notifications never interpret HTML.
    const notification = new Notification(`${isolate(message.sender.displayName)}${where}`, {
      body: messagePreview(message, 200),
      tag: `parley:${message.chatId}`,
    })
    notification.onclick = () => {
      window.focus()
      open()
      notification.close()
    }
  }

  return { enabled, permission, supported, enable, disable, notify }
}
