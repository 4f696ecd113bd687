import { messageIdParamsSchema } from '#shared/schemas/messages'
import { deleteMessage } from '../../services/messages/changes'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, messageIdParamsSchema.parse)
  await deleteMessage(auth, id)
  setResponseStatus(event, 204)
  return null
})
