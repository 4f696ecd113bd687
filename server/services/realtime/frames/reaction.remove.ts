import { setReaction } from '../../messages/changes'
import { ack, type FrameHandler } from './router'

/** `reaction.remove`: as DELETE /api/messages/:id/reactions/:emoji. */
export const reactionRemove: FrameHandler<'reaction.remove'> = async (frame, { actor }) =>
  ack(frame.id, { message: await setReaction(actor, frame.messageId, frame.emoji, false) })
