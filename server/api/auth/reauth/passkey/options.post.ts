import { passkeyReauthOptions } from '../../../../services/accounts/passkey-login'
import { requireUser } from '../../../../utils/auth'

export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  return passkeyReauthOptions(actor)
})
