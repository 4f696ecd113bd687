import type { User } from '#shared/types/api'

/**
 * Keeps people found by a search (the people directory, the user picker, the `@` completion
 * in a channel) as the socket tells of them (`user.updated`: a new name or role, a ban or an
 * unban, utils/realtime-frames.ts): the rows on screen change in place, where they used to
 * show it only at the next search (docs/ui.md, "Suspended people"; tests/e2e/admin.spec.ts,
 * "the people directory, the New chat picker and the @ completion..."). `update` applies one
 * change to what is held (usePagedSearch's). Heard while the caller's scope lives.
 */
export function followUserChanges(update: (change: (user: User) => User) => void) {
  // In the browser only: a server render is never unmounted, and would leave its listener behind.
  if (!import.meta.client) return
  // The public User as sent, whole: `suspended` is absent once a ban is lifted, not false.
  userChanges.on(changed => update(user => user.id === changed.id ? changed : user))
}
