import { uploadQuerySchema } from '#shared/schemas/attachments'
import { chatIdParamsSchema } from '#shared/schemas/chats'
import { uploadAttachment } from '../../../services/attachments/upload'
import { requireUser } from '../../../utils/auth'
import { readUploadedFile } from '../../../utils/upload-body'

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
    // Refused before the body was read to its end: close rather than read the rest.
    if (!event.node.req.readableEnded) setResponseHeader(event, 'connection', 'close')
    throw error
  }
})
