import { pushSubscriptionSchema } from '#shared/schemas/push'
import { saveSubscription } from '../../services/push/subscriptions'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const input = await readValidatedBody(event, pushSubscriptionSchema.parse)
  await saveSubscription(auth, input)
  setResponseStatus(event, 204)
  return null
})
