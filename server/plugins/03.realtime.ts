import { WS_CLOSE } from '#shared/types/api'
import { authenticateAccessToken } from '../services/accounts/sessions'
import { persistLastSeen } from '../services/accounts/users'
import { readyChats, userChatIds } from '../services/chats/chat-list'
import { forgetChatActivity } from '../services/chats/activity'
import { settleCleanups } from '../services/chats/chats'
import { messagesBySeq } from '../services/messages/history'
import { forgetSendCache } from '../services/messages/send-cache'
import { startRealtime } from '../services/realtime'
import { frameHandlers } from '../services/realtime/frames'
import { onShutdown } from '../utils/shutdown'

// Starts the real-time core (server/services/realtime/index.ts builds it) with the parts of
// the domain it needs, and closes it on shutdown.

/** After a Redis outage: what this instance learned from events may have missed some. */
function forgetLearned(): void {
  forgetChatActivity()
  forgetSendCache()
}
export default defineNitroPlugin((nitroApp) => {
  const core = startRealtime({
    loadMessages: messagesBySeq,
    chatIdsOf: userChatIds,
    readyChats,
    persistLastSeen,
    authenticate: authenticateAccessToken,
    busResumed: forgetLearned,
    frames: frameHandlers,
  })
  // On SIGTERM, while the server still listens: close every socket with 1001 so clients
  // reconnect elsewhere. Redis goes in the close hook, after the last request.
  onShutdown(async () => {
    await core.closeSockets(WS_CLOSE.goingAway, 'server shutting down')
    // Give the clean-up of a just-deleted chat a moment before the database closes.
    await Promise.race([settleCleanups(), new Promise(resolve => setTimeout(resolve, 1_000).unref())])
  })
  nitroApp.hooks.hook('close', () => core.stop())
})
