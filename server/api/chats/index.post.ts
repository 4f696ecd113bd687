import { createChatSchema } from '#shared/schemas/chats'
import { createChat } from '../../services/chats/chats'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const input = await readValidatedBody(event, createChatSchema.parse)
  const { chat, created } = await createChat(auth, input)
  setResponseStatus(event, created ? 201 : 200)
  return chat
})
