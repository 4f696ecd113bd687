import { setSocketVisible } from '../visibility'
import { ack, type FrameHandler } from './router'

/** `visibility`: whether this tab is shown (Web Push waits while one is: ../visibility.ts); ack when it had an `id`. */
export const visibility: FrameHandler<'visibility'> = async (frame, { connection }) => {
  setSocketVisible(connection.userId, connection.id, frame.visible)
  return frame.id === undefined ? null : ack(frame.id)
}
