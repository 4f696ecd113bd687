import { userDirectoryQuerySchema } from '#shared/schemas/users'
import { listUsers } from '../../services/accounts/directory'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  await requireUser(event)
  const query = await getValidatedQuery(event, userDirectoryQuerySchema.parse)
  return listUsers(query)
})
