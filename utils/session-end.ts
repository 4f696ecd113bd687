import type { SessionEndReason } from '#shared/types/api'

/**
 * What a person is told when the session of an open tab ends (`session.revoked` and its
 * reason, docs/ui.md). A ban is said on /login itself (`?ended=banned`), where it stays
 * while the person reads it, not in a snackbar that goes.
 */
const SAID: Partial<Record<SessionEndReason, string>> = {
  'signed-out': 'You were signed out in another tab.',
  'password-changed': 'You were signed out: your password was changed.',
  'password-reset': 'You were signed out: your password was reset.',
  'account-deleted': 'Your account was deleted.',
}

const ENDED_ELSEWHERE = 'You were signed out: this session was ended elsewhere.'

/** The sentence of the snackbar for a session that ended; null for a ban (said on /login). */
function sessionEndedText(reason: SessionEndReason | undefined): string | null {
  if (reason === 'banned') return null
  return (reason && SAID[reason]) ?? ENDED_ELSEWHERE
}

/**
 * Where a person goes whose session is over: /login, back to `from` once signed in again.
 * Why it ended, when the server said (the socket's `session.revoked`, or a refresh's 401
 * `reason` in a tab that was closed meanwhile): a ban on /login itself, any other reason
 * in the snackbar; a session that merely ran out says nothing.
 */
export function loginAfterSessionEnd(from: string, reason: SessionEndReason | null | undefined, snackbar: { notify: (text: string) => void }) {
  const said = reason ? sessionEndedText(reason) : null
  if (said) snackbar.notify(said)
  return { path: '/login', query: { ...(from === '/' ? {} : { redirect: from }), ...(reason === 'banned' ? { ended: 'banned' } : {}) } }
}

/** What /login says above its form when `?ended=` tells why the person came there. */
export function endedNotice(ended: unknown): string | null {
  return ended === 'banned' ? 'Your account was suspended by an administrator.' : null
}

/**
 * What a tab says when it took the account another tab of the browser signed in (they share
 * the auth cookies: plugins/account-sync.client.ts).
 */
export function signedInElsewhereText(displayName: string): string {
  return `You signed in as ${displayName} in another tab.`
}
