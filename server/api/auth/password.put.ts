import { changePasswordSchema } from '#shared/schemas/auth'
import { changePassword } from '../../services/accounts/profile'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const input = await readValidatedBody(event, changePasswordSchema.parse)
  await changePassword(auth, input)
  setResponseStatus(event, 204)
  return null
})
