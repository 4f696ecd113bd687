import { z } from 'zod'
import { FILE_LIST_LIMIT, MAX_ATTACHMENTS_PER_MESSAGE } from '../limits'
import { objectIdSchema } from './common'
import { queryInteger } from './query'

// Attachments (docs/api.md, Attachments; docs/attachments.md says why).

export const attachmentIdParamsSchema = z.object({ id: objectIdSchema })

/** The ids a send attaches: the sender's own uploads to that chat, not sent yet. */
export const attachmentIdsSchema = z.array(objectIdSchema).max(MAX_ATTACHMENTS_PER_MESSAGE)
  .refine(ids => new Set(ids).size === ids.length, { message: 'An attachment can be attached once' })

/**
 * `?name=` of a raw upload (the body is the file, its Content-Type the declared type); a
 * multipart upload names its file in the part, and `X-File-Name` (URI-encoded) wins over both.
 */
export const uploadQuerySchema = z.object({ name: z.string().max(2048).optional() })

/** The Files panel: `?before=<cursor>&limit=`, newest first. */
export const chatFilesQuerySchema = z.object({
  before: z.string().regex(/^\d{1,12}$/, 'Expected the nextCursor of the previous page').optional(),
  limit: queryInteger(1, FILE_LIST_LIMIT.max).default(FILE_LIST_LIMIT.default),
})
