import { addMembersSchema, chatIdParamsSchema } from '#shared/schemas/chats'
import { addMembers } from '../../../../services/chats/memberships'
import { requireUser } from '../../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const { userIds } = await readValidatedBody(event, addMembersSchema.parse)
  return addMembers(auth, id, userIds)
})
