import { chatIdParamsSchema } from '#shared/schemas/chats'
import { deleteChat } from '../../../services/chats/chats'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  await deleteChat(auth, id)
  setResponseStatus(event, 204)
  return null
})
