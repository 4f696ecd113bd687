import { chatIdParamsSchema } from '#shared/schemas/chats'
import { changesQuerySchema } from '#shared/schemas/messages'
import { changes } from '../../../services/messages/history'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const { since, limit } = await getValidatedQuery(event, changesQuerySchema.parse)
  return changes(auth, id, since, limit)
})
