import { chatIdParamsSchema } from '#shared/schemas/chats'
import { leaveChat } from '../../../services/chats/memberships'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  await leaveChat(auth, id)
  setResponseStatus(event, 204)
  return null
})
