import { toSession } from '../../dto/users'
import { listLiveSessions } from '../../services/accounts/sessions'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event, { duringTwoFactorSetup: true })
  const sessions = await listLiveSessions(auth.user)
  return { items: sessions.map(session => toSession(session, auth.sessionId)) }
})
