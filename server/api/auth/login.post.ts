import { loginSchema } from '#shared/schemas/auth'
import { login } from '../../services/accounts/accounts'
import { setAuthCookies } from '../../utils/auth-cookies'
import { requestOrigin } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, loginSchema.parse)
  const { body, tokens } = await login(input, requestOrigin(event))
  setAuthCookies(event, tokens)
  return body
})
