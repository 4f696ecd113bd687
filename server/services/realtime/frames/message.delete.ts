import { deleteMessage } from '../../messages/changes'
import { ack, type FrameHandler } from './router'

/** `message.delete`: as DELETE /api/messages/:id. */
export const messageDelete: FrameHandler<'message.delete'> = async (frame, { actor }) => {
  await deleteMessage(actor, frame.messageId)
  return ack(frame.id)
}
