import { searchQuerySchema } from '#shared/schemas/messages'
import { searchMessages } from '../../services/messages/history'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const query = await getValidatedQuery(event, searchQuerySchema.parse)
  return searchMessages(auth, query)
})
