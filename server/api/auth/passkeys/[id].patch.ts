import { passkeyIdParamsSchema, renamePasskeySchema } from '#shared/schemas/auth'
import { renamePasskey } from '../../../services/accounts/passkeys'
import { requireUser } from '../../../utils/auth'
import { apiError } from '../../../utils/errors'

export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  const params = await getValidatedRouterParams(event, passkeyIdParamsSchema.safeParse)
  if (!params.success) throw apiError('not_found')
  const { name } = await readValidatedBody(event, renamePasskeySchema.parse)
  return renamePasskey(actor, params.data.id, name)
})
