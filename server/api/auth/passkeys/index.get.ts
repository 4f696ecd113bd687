import { listPasskeys } from '../../../services/accounts/passkeys'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const actor = await requireUser(event)
  return { items: await listPasskeys(actor) }
})
