import { toMe, toSession } from '../../dto/users'
import { presenceOf } from '../../services/realtime'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event, { duringTwoFactorSetup: true })
  setResponseHeader(event, 'cache-control', 'no-store')
  return { user: toMe(auth.user, presenceOf(auth.user)), session: toSession(auth.session, auth.sessionId) }
})
