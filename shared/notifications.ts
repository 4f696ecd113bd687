import type { ChatType, NotificationLevel } from './types/api'

/**
 * Whether a new message notifies a member: one rule for the server's Web Push
 * (server/services/push/recipients.ts) and the open tab's browser notifications
 * (composables/useChatNotifications.ts), so a chat set to "mentions only" or muted stays
 * quiet on both. Proved by tests/unit/notifications.test.ts and tests/api/push*.test.ts.
 */

/** Direct chats and groups notify on every message, channels on mentions only. */
export function defaultNotificationLevel(chatType: ChatType): NotificationLevel {
  return chatType === 'channel' ? 'mentions' : 'all'
}

/** A member's setting for a chat: its level (null: the chat type's default) and a mute's end. */
export interface NotificationSetting {
  notify?: NotificationLevel | null
  mutedUntil?: Date | string | null
}

/**
 * Muted (for a while not yet over, or set to nothing) never notifies; "mentions only"
 * notifies of a mention; "all" of every message.
 */
export function wantsNotification(chatType: ChatType, setting: NotificationSetting, mentioned: boolean, now: number): boolean {
  if (setting.mutedUntil && new Date(setting.mutedUntil).getTime() > now) return false
  const level = setting.notify ?? defaultNotificationLevel(chatType)
  if (level === 'none') return false
  return mentioned || level === 'all'
}
