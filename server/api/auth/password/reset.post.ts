import { resetPasswordSchema } from '#shared/schemas/auth'
import { resetPassword } from '../../../services/accounts/mail-tokens'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, resetPasswordSchema.parse)
  await resetPassword(input)
  setResponseStatus(event, 204)
  return null
})
