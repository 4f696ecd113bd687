import { attachmentIdParamsSchema } from '#shared/schemas/attachments'
import { openAttachment } from '../../../services/attachments/serve'
import { requireUser } from '../../../utils/auth'
import { apiError } from '../../../utils/errors'
import { sendStoredFile } from '../../../utils/file-response'

export default defineEventHandler(async (event) => {
  const auth = await requireUser(event)
  const params = await getValidatedRouterParams(event, attachmentIdParamsSchema.safeParse)
  if (!params.success) throw apiError('not_found')
  return sendStoredFile(event, await openAttachment(auth, params.data.id, 'thumbnail'))
})
