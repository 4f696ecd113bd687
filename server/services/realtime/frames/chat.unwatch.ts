import { ack, type FrameHandler } from './router'

/** `chat.unwatch`: the channel watched by `chat.watch` is no longer heard (a membership's subscription stays). */
export const chatUnwatch: FrameHandler<'chat.unwatch'> = async (frame, { connection, hub }) => {
  hub.unwatch(connection, frame.chatId)
  return ack(frame.id)
}
