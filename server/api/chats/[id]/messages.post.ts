import { chatIdParamsSchema } from '#shared/schemas/chats'
import { sendMessageSchema } from '#shared/schemas/messages'
import { sendMessage } from '../../../services/messages/send'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const input = await readValidatedBody(event, sendMessageSchema.parse)
  const { message, created } = await sendMessage(auth, id, input)
  // The same clientId again: 200 with the original, nothing broadcast.
  setResponseStatus(event, created ? 201 : 200)
  return message
})
