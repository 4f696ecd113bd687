import { editMessageSchema, messageIdParamsSchema } from '#shared/schemas/messages'
import { editMessage } from '../../services/messages/changes'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, messageIdParamsSchema.parse)
  const { content } = await readValidatedBody(event, editMessageSchema.parse)
  return editMessage(auth, id, content)
})
