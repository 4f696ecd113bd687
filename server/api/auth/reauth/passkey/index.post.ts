import { passkeyLoginSchema } from '#shared/schemas/auth'
import { reauthenticateWithPasskey } from '../../../../services/accounts/passkey-login'
import { requestOrigin, requireUser } from '../../../../utils/auth'

// Proves again who is behind the session with one of its person's passkeys.
export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  const input = await readValidatedBody(event, passkeyLoginSchema.parse)
  await reauthenticateWithPasskey(actor, input, requestOrigin(event))
  setResponseStatus(event, 204)
  return null
})
