import { publicChatsQuerySchema } from '#shared/schemas/chats'
import { listPublicChats } from '../../services/chats/chats'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const query = await getValidatedQuery(event, publicChatsQuerySchema.parse)
  return listPublicChats(auth, query)
})
