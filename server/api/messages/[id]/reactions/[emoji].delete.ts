import { reactionRemovalParamsSchema } from '#shared/schemas/messages'
import { setReaction } from '../../../../services/messages/changes'
import { requireUser } from '../../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id, emoji } = await getValidatedRouterParams(event, reactionRemovalParamsSchema.parse, { decode: true })
  return setReaction(auth, id, emoji, false)
})
