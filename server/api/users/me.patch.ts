import { updateProfileSchema } from '#shared/schemas/users'
import { updateProfile } from '../../services/accounts/profile'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const input = await readValidatedBody(event, updateProfileSchema.parse)
  return updateProfile(auth, input)
})
