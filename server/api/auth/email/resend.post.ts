import { resendVerification } from '../../../services/accounts/mail-tokens'
import { requestOrigin, requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  await resendVerification(auth, requestOrigin(event))
  setResponseStatus(event, 202)
  return null
})
