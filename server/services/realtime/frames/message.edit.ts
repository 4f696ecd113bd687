import { editMessage } from '../../messages/changes'
import { ack, type FrameHandler } from './router'

/** `message.edit`: as PATCH /api/messages/:id. */
export const messageEdit: FrameHandler<'message.edit'> = async (frame, { actor }) =>
  ack(frame.id, { message: await editMessage(actor, frame.messageId, frame.content) })
