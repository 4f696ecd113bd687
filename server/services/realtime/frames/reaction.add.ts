import { setReaction } from '../../messages/changes'
import { ack, type FrameHandler } from './router'

/** `reaction.add`: as PUT /api/messages/:id/reactions/:emoji. */
export const reactionAdd: FrameHandler<'reaction.add'> = async (frame, { actor }) =>
  ack(frame.id, { message: await setReaction(actor, frame.messageId, frame.emoji, true) })
