import { chatIdParamsSchema, memberListQuerySchema } from '#shared/schemas/chats'
import { listMembers } from '../../../../services/chats/memberships'
import { requireUser } from '../../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const query = await getValidatedQuery(event, memberListQuerySchema.parse)
  return listMembers(auth, id, query)
})
