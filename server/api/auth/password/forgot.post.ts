import { forgotPasswordSchema } from '#shared/schemas/auth'
import { forgotPassword } from '../../../services/accounts/mail-tokens'
import { requestOrigin } from '../../../utils/auth'

// Always 202 for a well-formed body: whether the address has an account stays unknown.
export default defineEventHandler(async (event) => {
  const { email } = await readValidatedBody(event, forgotPasswordSchema.parse)
  await forgotPassword(email, requestOrigin(event))
  setResponseStatus(event, 202)
  return null
})
