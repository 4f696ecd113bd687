import { promoteConfiguredAdmins } from '../services/accounts/directory'
import { sweepAccountTokens } from '../services/accounts/mail-tokens'
import { sweepPasskeyChallenges } from '../services/accounts/passkeys'
import { sweepSessions } from '../services/accounts/sessions'
import { errorName, logger } from '../utils/logger'
import { prepareHashing, stopHashing } from '../utils/passwords'
import { onShutdown } from '../utils/shutdown'

const SWEEP_INTERVAL_MS = 60 * 60 * 1000

// Expiry is checked on every use (the embedded engine has no TTL indexes); this hourly
// sweep only keeps expired sessions, mail tokens and passkey challenges from piling up.
export default defineNitroPlugin((nitroApp) => {
  // Password hashing's low-priority helper starts with the server and goes after the last request.
  prepareHashing()
  nitroApp.hooks.hook('close', stopHashing)
  // NUXT_ADMIN_USERNAMES: the operator's way back to a site with no admin (docs/deploy.md).
  promoteConfiguredAdmins().catch((error: unknown) => logger.warn('promoting NUXT_ADMIN_USERNAMES failed', { error: errorName(error) }))
  const sweep = async () => {
    try {
      const [sessions, tokens, passkeyChallenges] = await Promise.all([sweepSessions(), sweepAccountTokens(), sweepPasskeyChallenges()])
      if (sessions + tokens + passkeyChallenges > 0) logger.info('swept expired sessions and tokens', { sessions, tokens, passkeyChallenges })
    }
    catch (error) {
      logger.warn('sweep of expired sessions failed', { error: errorName(error) })
    }
  }
  const timer = setInterval(sweep, SWEEP_INTERVAL_MS)
  timer.unref()
  onShutdown(() => clearInterval(timer))
})
