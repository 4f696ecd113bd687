import { chatListQuerySchema } from '#shared/schemas/chats'
import { listChats } from '../../services/chats/chats'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const query = await getValidatedQuery(event, chatListQuerySchema.parse)
  return listChats(auth, query)
})
