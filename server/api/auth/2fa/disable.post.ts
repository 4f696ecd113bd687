import { disableTwoFactorSchema } from '#shared/schemas/auth'
import { disableTwoFactor } from '../../../services/accounts/two-factor'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  const { password, code } = await readValidatedBody(event, disableTwoFactorSchema.parse)
  await disableTwoFactor(actor, password, code)
  setResponseStatus(event, 204)
  return null
})
