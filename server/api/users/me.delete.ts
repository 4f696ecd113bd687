import { deleteAccountSchema } from '#shared/schemas/users'
import { deleteAccount } from '../../services/accounts/profile'
import { clearAuthCookies } from '../../utils/auth-cookies'
import { requestOrigin, requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { password } = await readValidatedBody(event, deleteAccountSchema.parse)
  await deleteAccount(auth, password, requestOrigin(event))
  clearAuthCookies(event)
  setResponseStatus(event, 204)
  return null
})
