import { startPushDelivery } from '../services/push/deliver'
import { serverConfig, vapidKeys } from '../utils/config'
import { logger } from '../utils/logger'

// Web Push (docs/messages.md, "Web Push"): the VAPID keys are ready before the first push,
// and sends start queueing pushes. (A session's subscription ends with the session:
// server/services/accounts/sessions.ts.)
export default defineNitroPlugin(() => {
  const config = serverConfig()
  if (config.production && (!config.vapid.publicKey || !config.vapid.privateKey)) {
    logger.warn('NUXT_VAPID_PUBLIC_KEY and NUXT_VAPID_PRIVATE_KEY are not set: push keys are kept under .data/ and a new deployment without them ends every push subscription')
  }
  vapidKeys()
  startPushDelivery()
})
