import { describe, expect, it } from 'vitest'
import { defaultNotificationLevel, wantsNotification } from '#shared/notifications'

// The one rule for Web Push (server/services/push/recipients.ts) and the open tab's
// notifications (composables/useChatNotifications.ts). tests/api/push.test.ts proves the
// server pushes by it.

const now = Date.parse('2026-01-01T12:00:00Z')
const later = new Date(now + 60_000)
const earlier = new Date(now - 60_000)

describe('defaultNotificationLevel', () => {
  it('is every message for direct chats and groups, mentions for channels', () => {
    expect(defaultNotificationLevel('direct')).toBe('all')
    expect(defaultNotificationLevel('group')).toBe('all')
    expect(defaultNotificationLevel('channel')).toBe('mentions')
  })
})

describe('wantsNotification', () => {
  it.each([
    ['group', 'all', null, false, true],
    ['group', 'mentions', null, false, false],
    ['group', 'mentions', null, true, true],
    ['group', 'none', null, true, false],
    ['group', null, null, false, true],
    ['channel', null, null, false, false],
    ['channel', null, null, true, true],
    ['direct', 'all', later, true, false],
    ['direct', 'all', later.toISOString(), true, false],
    ['direct', 'all', earlier, false, true],
    ['direct', 'mentions', earlier.toISOString(), true, true],
  ] as const)('%s, set to %s, muted until %s, mentioned %s: %s', (type, notify, mutedUntil, mentioned, expected) => {
    expect(wantsNotification(type, { notify, mutedUntil }, mentioned, now)).toBe(expected)
  })
})
