import { adminUpdateUserSchema, userIdParamsSchema } from '#shared/schemas/users'
import { adminUpdateUser } from '../../../services/accounts/directory'
import { requireAdmin } from '../../../utils/auth'
import { apiError } from '../../../utils/errors'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const params = await getValidatedRouterParams(event, userIdParamsSchema.safeParse)
  if (!params.success) throw apiError('not_found')
  const input = await readValidatedBody(event, adminUpdateUserSchema.parse)
  return adminUpdateUser(admin, params.data.id, input)
})
