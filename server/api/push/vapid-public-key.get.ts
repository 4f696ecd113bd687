import { requireUser } from '../../utils/auth'
import { vapidKeys } from '../../utils/config'

export default defineEventHandler(async (event) => {
  await requireUser(event)
  return { publicKey: vapidKeys().publicKey }
})
