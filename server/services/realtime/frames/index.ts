import { chatUnwatch } from './chat.unwatch'
import { chatWatch } from './chat.watch'
import { messageDelete } from './message.delete'
import { messageEdit } from './message.edit'
import { messageSend } from './message.send'
import { ping } from './ping'
import { reactionAdd } from './reaction.add'
import { reactionRemove } from './reaction.remove'
import { read } from './read'
import type { FrameHandlers } from './router'
import { typing } from './typing'
import { visibility } from './visibility'

/** Every client frame type of an authenticated socket and its handler (parsing and routing: ./router.ts). */
export const frameHandlers: FrameHandlers = {
  'ping': ping,
  'message.send': messageSend,
  'message.edit': messageEdit,
  'message.delete': messageDelete,
  'reaction.add': reactionAdd,
  'reaction.remove': reactionRemove,
  'read': read,
  'typing': typing,
  'visibility': visibility,
  'chat.watch': chatWatch,
  'chat.unwatch': chatUnwatch,
}
