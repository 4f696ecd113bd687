import { chatIdParamsSchema, notificationSettingsSchema } from '#shared/schemas/chats'
import { updateNotificationSettings } from '../../../services/chats/notification-settings'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const input = await readValidatedBody(event, notificationSettingsSchema.parse)
  return updateNotificationSettings(auth, id, input)
})
