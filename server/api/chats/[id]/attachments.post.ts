import { uploadQuerySchema } from '#shared/schemas/attachments'
import { chatIdParamsSchema } from '#shared/schemas/chats'
import { uploadAttachment } from '../../../services/attachments/upload'
import { requireUser } from '../../../utils/auth'
import { discardUpload, readUploadedFile } from '../../../utils/upload-body'

// The body is the file, streamed (docs/attachments.md): multipart with one `file` part, or raw.
export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, chatIdParamsSchema.parse)
  const { name } = await getValidatedQuery(event, uploadQuerySchema.parse)
  try {
    const result = await uploadAttachment(auth, id, await readUploadedFile(event, name))
    setResponseStatus(event, 201)
    return result
  }
  catch (error) {
    discardUpload(event)
    throw error
  }
})
