import { chatIdParamsSchema } from '#shared/schemas/chats'
import { historyQuerySchema } from '#shared/schemas/messages'
import { history } from '../../../services/messages/history'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const query = await getValidatedQuery(event, historyQuerySchema.parse)
  return history(auth, id, query)
})
