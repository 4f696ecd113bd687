import { reauthSchema } from '#shared/schemas/auth'
import { reauthenticateWithPassword } from '../../services/accounts/reauth'
import { requestOrigin, requireUser } from '../../utils/auth'

// Proves again who is behind the session, so sensitive changes work for another window.
export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  const input = await readValidatedBody(event, reauthSchema.parse)
  await reauthenticateWithPassword(actor, input, requestOrigin(event))
  setResponseStatus(event, 204)
  return null
})
