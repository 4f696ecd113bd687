import { disableTwoFactorSchema } from '#shared/schemas/auth'
import { reauthenticateWithPassword } from '../../../services/accounts/reauth'
import { disableTwoFactor } from '../../../services/accounts/two-factor'
import { requestOrigin, requireUser } from '../../../utils/auth'

// Turning two-factor off proves who is asking like a re-authentication: password and code.
export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  const input = await readValidatedBody(event, disableTwoFactorSchema.parse)
  await disableTwoFactor(actor, () => reauthenticateWithPassword(actor, input, requestOrigin(event)))
  setResponseStatus(event, 204)
  return null
})
