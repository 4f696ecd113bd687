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
export function sessionEndedText(reason: SessionEndReason | undefined): string | null {
  if (reason === 'banned') return null
  return (reason && SAID[reason]) ?? ENDED_ELSEWHERE
}

/** What /login says above its form when `?ended=` tells why the person came there. */
export function endedNotice(ended: unknown): string | null {
  return ended === 'banned' ? 'Your account was suspended by an administrator.' : null
}
