import { memberParamsSchema, memberRoleSchema } from '#shared/schemas/chats'
import { setMemberRole } from '../../../../services/chats/memberships'
import { requireUser } from '../../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id, userId } = await getValidatedRouterParams(event, memberParamsSchema.parse)
  const { role } = await readValidatedBody(event, memberRoleSchema.parse)
  return setMemberRole(auth, id, userId, role)
})
