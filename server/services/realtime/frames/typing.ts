import { serverConfig } from '../../../utils/config'
import { requireMember } from '../../chats/access'
import { publishToChat } from '../bus'
import type { FrameHandler } from './router'

// `typing`: members only (known from the socket's subscriptions: no database access),
// relayed at most once per TYPING_THROTTLE_MS per user and chat, with an expiry of
// NUXT_TIMINGS_TYPING_TTL_MS, to the chat's other members, with the typist's name (a channel's
// members are never all loaded, so the name may be known nowhere else). No answer.

const TYPING_THROTTLE_MS = 2_000
/** `<userId>:<chatId>` → when its last typing event went out. */
const typingSentAt = new Map<string, number>()

export const typing: FrameHandler<'typing'> = async (frame, { actor, connection, hub }) => {
  const { chatId } = frame
  if (!hub.isSubscribed(connection, chatId)) {
    // Not a member: the same error as any other frame for that chat (404, or 403 for a channel).
    await requireMember(actor, chatId)
    return null
  }
  const now = Date.now()
  const key = `${connection.userId}:${chatId}`
  if (now - (typingSentAt.get(key) ?? 0) < TYPING_THROTTLE_MS) return null
  typingSentAt.set(key, now)
  if (typingSentAt.size > 10_000) {
    for (const [entry, at] of typingSentAt) if (now - at > TYPING_THROTTLE_MS) typingSentAt.delete(entry)
  }
  await publishToChat(chatId, { type: 'typing', chatId, userId: connection.userId, displayName: actor.user.displayName, expiresAt: new Date(now + serverConfig().timings.typingTtlMs).toISOString() }, connection.userId)
  return null
}
