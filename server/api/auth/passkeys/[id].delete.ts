import { passkeyIdParamsSchema } from '#shared/schemas/auth'
import { removePasskey } from '../../../services/accounts/passkeys'
import { requireUser } from '../../../utils/auth'
import { apiError } from '../../../utils/errors'

export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  const params = await getValidatedRouterParams(event, passkeyIdParamsSchema.safeParse)
  if (!params.success) throw apiError('not_found')
  // Someone else's passkey is the same 404 as an unknown id.
  await removePasskey(actor, params.data.id)
  setResponseStatus(event, 204)
  return null
})
