import { registerSchema } from '#shared/schemas/auth'
import { register } from '../../services/accounts/accounts'
import { setAuthCookies } from '../../utils/auth-cookies'
import { requestOrigin } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, registerSchema.parse)
  const { body, tokens } = await register(input, requestOrigin(event))
  setAuthCookies(event, tokens)
  setResponseStatus(event, 201)
  return body
})
