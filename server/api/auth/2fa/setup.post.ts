import { startTwoFactorSetup } from '../../../services/accounts/two-factor'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const actor = await requireUser(event, { duringTwoFactorSetup: true })
  return startTwoFactorSetup(actor)
})
