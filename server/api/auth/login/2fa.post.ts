import { twoFactorLoginSchema } from '#shared/schemas/auth'
import { completeTwoFactorLogin } from '../../../services/accounts/two-factor'
import { setAuthCookies } from '../../../utils/auth-cookies'
import { requestOrigin } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, twoFactorLoginSchema.parse)
  const { body, tokens } = await completeTwoFactorLogin(input, requestOrigin(event))
  setAuthCookies(event, tokens)
  return body
})
