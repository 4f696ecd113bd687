import { chatIdParamsSchema } from '#shared/schemas/chats'
import { getChat } from '../../../services/chats/chats'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  return getChat(auth, id)
})
