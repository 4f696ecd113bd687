import { userIdParamsSchema } from '#shared/schemas/users'
import { getUser } from '../../services/accounts/users'
import { requireUser } from '../../utils/auth'
import { apiError } from '../../utils/errors'

export default defineEventHandler(async (event) => {
  await requireUser(event)
  const params = await getValidatedRouterParams(event, userIdParamsSchema.safeParse)
  if (!params.success) throw apiError('not_found')
  return getUser(params.data.id)
})
