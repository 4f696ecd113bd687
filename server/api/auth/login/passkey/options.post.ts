import { passkeyLoginOptions } from '../../../../services/accounts/passkey-login'
import { requestOrigin } from '../../../../utils/auth'

export default defineEventHandler(async (event) => {
  return passkeyLoginOptions(requestOrigin(event))
})
