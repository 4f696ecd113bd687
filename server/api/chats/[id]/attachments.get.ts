import { chatFilesQuerySchema } from '#shared/schemas/attachments'
import { chatIdParamsSchema } from '#shared/schemas/chats'
import { listChatFiles } from '../../../services/attachments/files'
import { requireUser } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const query = await getValidatedQuery(event, chatFilesQuerySchema.parse)
  return listChatFiles(auth, id, query)
})
