import { revokeAllSessions } from '../../services/accounts/sessions'
import { requireUser } from '../../utils/auth'

// Signs out everywhere else: every session but the current one.
export default defineEventHandler(async (event) => {
  const auth = await requireUser(event, { duringTwoFactorSetup: true })
  await revokeAllSessions(auth.userId, 'revoked', auth.sessionId)
  setResponseStatus(event, 204)
  return null
})
