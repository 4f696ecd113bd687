import { sessionIdParamsSchema } from '#shared/schemas/users'
import { revokeSession } from '../../../services/accounts/sessions'
import { clearAuthCookies } from '../../../utils/auth-cookies'
import { requireUser } from '../../../utils/auth'
import { apiError } from '../../../utils/errors'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event, { duringTwoFactorSetup: true })
  const params = await getValidatedRouterParams(event, sessionIdParamsSchema.safeParse)
  if (!params.success) throw apiError('not_found')
  // Someone else's session, or one already revoked: the same 404 as an unknown id.
  if (!(await revokeSession(auth.userId, params.data.id))) throw apiError('not_found')
  if (params.data.id === auth.sessionId) clearAuthCookies(event)
  setResponseStatus(event, 204)
  return null
})
