import { WS_CLOSE } from '#shared/types/api'
import { forgetDeletedUser } from '../services/chats/memberships'
import { settleCleanups } from '../services/chats/chats'
import { userChatIds } from '../services/chats/chat-list'
import { messagesBySeq } from '../services/messages/history'
import { persistLastSeen } from '../services/accounts/users'
import { configurePresence, requestPresenceSync } from '../services/realtime/presence'
import { publishControl, startBus, stopBus, userTopic } from '../services/realtime/bus'
import { closeAll, startHub } from '../services/realtime/hub'
import { closeAllSockets, heartbeat } from '../services/realtime/socket'
import { serverConfig } from '../utils/config'
import { onDomainEvent } from '../utils/domain-events'
import { errorName, logger } from '../utils/logger'
import { onShutdown } from '../utils/shutdown'

// The realtime core: the bus (in-process or Redis), the hub of this instance's sockets,
// presence, the heartbeat, revoked sessions and the graceful close on shutdown.
export default defineNitroPlugin((nitroApp) => {
  // After a Redis outage every local socket reconnects, and its client catches up through
  // `/changes`: events other instances published meanwhile never reached this one.
  startBus(() => closeAll(WS_CLOSE.serviceRestart, 'catching up after a bus outage'))
  startHub(messagesBySeq)
  configurePresence({ chatIdsOf: userChatIds, persistLastSeen })
  requestPresenceSync()

  // Revocations reach every instance over the bus; each closes its own sockets of those sessions.
  onDomainEvent('sessions.revoked', ({ userId, sessionIds }) => {
    void publishControl({ type: '$revoke', userId, sessionIds }, [userTopic(userId)])
  })

  onDomainEvent('user.changed', ({ userId, deleted }) => {
    // A new role (or name) applies to the user's open sockets at their next frame, on every instance.
    if (!deleted) return void publishControl({ type: '$user-changed', userId }, [userTopic(userId)])
    forgetDeletedUser(userId).catch((error: unknown) => logger.warn('leaving chats of a deleted account failed', { error: errorName(error) }))
  })

  const timer = setInterval(heartbeat, serverConfig().timings.wsPingMs)
  timer.unref()
  // On SIGTERM, while the server still listens: close every socket with 1001 so clients
  // reconnect elsewhere. Redis goes in the close hook, after the last request.
  onShutdown(async () => {
    clearInterval(timer)
    await closeAllSockets(WS_CLOSE.goingAway, 'server shutting down')
    // Give the clean-up of a just-deleted chat a moment before the database closes.
    await Promise.race([settleCleanups(), new Promise(resolve => setTimeout(resolve, 1_000).unref())])
  })
  nitroApp.hooks.hook('close', stopBus)
})
