import { chatIdParamsSchema, updateChatSchema } from '#shared/schemas/chats'
import { updateChat } from '../../../services/chats/chats'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const patch = await readValidatedBody(event, updateChatSchema.parse)
  return updateChat(auth, id, patch)
})
