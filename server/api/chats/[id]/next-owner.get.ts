import { chatIdParamsSchema } from '#shared/schemas/chats'
import { nextOwner } from '../../../services/chats/memberships'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  return nextOwner(auth, id)
})
