import { userDirectoryQuerySchema } from '#shared/schemas/users'
import { listUsersForAdmin } from '../../../services/accounts/directory'
import { requireAdmin } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const query = await getValidatedQuery(event, userDirectoryQuerySchema.parse)
  return listUsersForAdmin(query)
})
