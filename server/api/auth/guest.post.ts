import { guestSchema } from '#shared/schemas/auth'
import { signInAsGuest } from '../../services/accounts/accounts'
import { setAuthCookies } from '../../utils/auth-cookies'
import { requestOrigin } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, guestSchema.parse)
  const { body, tokens } = await signInAsGuest(input, requestOrigin(event))
  setAuthCookies(event, tokens)
  setResponseStatus(event, 201)
  return body
})
