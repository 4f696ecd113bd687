import { memberParamsSchema } from '#shared/schemas/chats'
import { removeMember } from '../../../../services/chats/memberships'
import { requireUser } from '../../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id, userId } = await getValidatedRouterParams(event, memberParamsSchema.parse)
  await removeMember(auth, id, userId)
  setResponseStatus(event, 204)
  return null
})
