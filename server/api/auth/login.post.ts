import { loginSchema } from '#shared/schemas/auth'
import { login } from '../../services/accounts/accounts'
import { setAuthCookies } from '../../utils/auth-cookies'
import { requestOrigin } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, loginSchema.parse)
  const result = await login(input, requestOrigin(event))
  // Two-factor on: no session and no cookies yet, only the challenge for the second step.
  if ('challenge' in result) return result.challenge
  setAuthCookies(event, result.tokens)
  return result.body
})
