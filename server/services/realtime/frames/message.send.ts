import { sendMessage } from '../../messages/send'
import { ack, type FrameHandler } from './router'

/** `message.send`: the same send as POST /api/chats/:id/messages; the ack carries the message. */
export const messageSend: FrameHandler<'message.send'> = async (frame, { actor }) => {
  const { message } = await sendMessage(actor, frame.chatId, { content: frame.content, clientId: frame.clientId, replyToId: frame.replyToId, attachments: frame.attachments })
  return ack(frame.id, { message })
}
