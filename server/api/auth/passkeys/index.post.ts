import { registerPasskeySchema } from '#shared/schemas/auth'
import { addPasskey } from '../../../services/accounts/passkeys'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  const input = await readValidatedBody(event, registerPasskeySchema.parse)
  const passkey = await addPasskey(actor, input)
  setResponseStatus(event, 201)
  return passkey
})
