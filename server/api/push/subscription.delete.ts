import { forgetSessions } from '../../services/push/subscriptions'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  await forgetSessions(auth.userId, [auth.sessionId])
  setResponseStatus(event, 204)
  return null
})
