import { passkeyLoginSchema } from '#shared/schemas/auth'
import { signInWithPasskey } from '../../../../services/accounts/passkey-login'
import { setAuthCookies } from '../../../../utils/auth-cookies'
import { requestOrigin } from '../../../../utils/auth'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, passkeyLoginSchema.parse)
  const { body, tokens } = await signInWithPasskey(input, requestOrigin(event))
  setAuthCookies(event, tokens)
  return body
})
