import { markRead } from '../../chats/memberships'
import { ack, type FrameHandler } from './router'

/** `read`: as POST /api/chats/:id/read. */
export const read: FrameHandler<'read'> = async (frame, { actor }) => {
  await markRead(actor, frame.chatId, frame.seq)
  return ack(frame.id)
}
