import { chatIdParamsSchema, markReadSchema } from '#shared/schemas/chats'
import { markRead } from '../../../services/chats/memberships'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const { seq } = await readValidatedBody(event, markReadSchema.parse)
  await markRead(auth, id, seq)
  setResponseStatus(event, 204)
  return null
})
