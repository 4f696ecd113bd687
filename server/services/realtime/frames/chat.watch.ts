import { apiError } from '../../../utils/errors'
import { findChat, findMembership, requireVisibleChat } from '../../chats/access'
import { MAX_WATCHED_CHATS } from '../hub'
import { ack, type FrameHandler } from './router'

/**
 * `chat.watch`: a public channel looked at before joining is heard live on this socket (its
 * messages, edits, deletions, reactions, name and topic), as in Slack's and Element's
 * previews. Whoever may read the chat may watch it: a group or direct chat the person is not
 * in answers `not_found`, as GET /api/chats/:id does. A member hears it already. The ack
 * carries the chat's counters read once the socket listens, so what it missed before is
 * within them and `/changes` brings it (docs/api-realtime.md, "Watching a channel before joining").
 */
export const chatWatch: FrameHandler<'chat.watch'> = async (frame, { actor, connection, hub }) => {
  const { chat, membership } = await requireVisibleChat(actor, frame.chatId)
  // The database, not the hub, says whether the person is a member: a leave on another
  // instance is stored before its `$unsubscribe` reaches this hub, and the watch outlasts it.
  if (!membership && hub.watch(connection, frame.chatId, chat.lastSeq) === 'too-many') {
    throw apiError('conflict', `A socket watches at most ${MAX_WATCHED_CHATS} channels at once: stop watching one first.`)
  }
  const [now, joined] = await Promise.all([findChat(frame.chatId), membership ? null : findMembership(frame.chatId, actor.userId)])
  if (!now) {
    hub.unwatch(connection, frame.chatId)
    throw apiError('not_found')
  }
  // Joined meanwhile, and its `$subscribe` came first: the membership holds the topic, and a
  // watch kept beside it would outlast a later leave. (Had it not come yet, it takes the watch over.)
  if (joined && hub.isSubscribed(connection, frame.chatId)) hub.unwatch(connection, frame.chatId)
  return ack(frame.id, { chat: { id: frame.chatId, lastSeq: now.lastSeq, lastChangeSeq: now.lastChangeSeq } })
}
