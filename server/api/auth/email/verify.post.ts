import { verifyEmailSchema } from '#shared/schemas/auth'
import { verifyEmail } from '../../../services/accounts'

export default defineEventHandler(async (event) => {
  const { token } = await readValidatedBody(event, verifyEmailSchema.parse)
  await verifyEmail(token)
  setResponseStatus(event, 204)
  return null
})
