import { revokeSession } from '../../services/accounts/sessions'
import { clearAuthCookies } from '../../utils/auth-cookies'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event, { duringTwoFactorSetup: true })
  await revokeSession(auth.userId, auth.sessionId, 'signed-out')
  clearAuthCookies(event)
  setResponseStatus(event, 204)
  return null
})
