import { verifyEmailSchema } from '#shared/schemas/auth'
import { verifyEmail } from '../../../services/accounts/mail-tokens'

export default defineEventHandler(async (event) => {
  const { token } = await readValidatedBody(event, verifyEmailSchema.parse)
  await verifyEmail(token)
  setResponseStatus(event, 204)
  return null
})
