import { changePasswordSchema } from '#shared/schemas/auth'
import { changePassword } from '../../services/accounts/profile'
import { requestOrigin, requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const input = await readValidatedBody(event, changePasswordSchema.parse)
  await changePassword(auth, input, requestOrigin(event))
  setResponseStatus(event, 204)
  return null
})
