import { twoFactorCodeBodySchema } from '#shared/schemas/auth'
import { enableTwoFactor } from '../../../services/accounts/two-factor'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const actor = await requireUser(event, { duringTwoFactorSetup: true })
  const { code } = await readValidatedBody(event, twoFactorCodeBodySchema.parse)
  return enableTwoFactor(actor, code)
})
