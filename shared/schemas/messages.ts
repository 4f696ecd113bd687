import { z } from 'zod'
import { MESSAGE_LIST_LIMIT, MESSAGE_MAX, SEARCH_MAX, SEARCH_MIN } from '../limits'
import { attachmentIdsSchema } from './attachments'
import { codePointLength, codePoints, listQuerySchema, objectIdSchema } from './common'
import { queryInteger } from './query'

/** A NUL, or half of a surrogate pair (not valid Unicode text: storage would change it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** 1-4000 code points of valid text (no NUL, no lone surrogate) and not only whitespace. */
export const messageContentSchema = codePoints(1, MESSAGE_MAX)
  .refine(text => text.trim().length > 0, { message: 'A message cannot be blank' })
  .refine(text => !text.includes('\u0000') && !LONE_SURROGATE.test(text), { message: 'A message cannot hold NUL characters or broken Unicode' })
/** A send's text: as messageContentSchema, but it may be empty (or left out) when files are attached. */
export const sendContentSchema = codePoints(0, MESSAGE_MAX)
  .refine(text => !text.includes('\u0000') && !LONE_SURROGATE.test(text), { message: 'A message cannot hold NUL characters or broken Unicode' })
/** Text, files, or both: a send with no attachments needs text that is not only whitespace. */
export function hasTextOrFiles(send: { content: string, attachments?: readonly unknown[] }): boolean {
  return send.content.trim().length > 0 || (send.attachments?.length ?? 0) > 0
}
export const blankSend = { message: 'A message cannot be blank', path: ['content'] }
export const clientIdSchema = codePoints(1, 64)
/** 1-16 code points without whitespace. */
export const emojiSchema = z.string().refine(text => codePointLength(text) >= 1 && codePointLength(text) <= 16 && !/\s/u.test(text), {
  message: 'An emoji is 1 to 16 characters without spaces',
}).meta({ minLength: 1, maxLength: 16, pattern: '^\\S+$' })

export const sendMessageSchema = z.strictObject({
  content: sendContentSchema.default(''),
  clientId: clientIdSchema.optional(),
  replyToId: objectIdSchema.nullish(),
  attachments: attachmentIdsSchema.optional(),
}).refine(hasTextOrFiles, blankSend)
/**
 * An edit's text: as a send's, it may be empty, and the service lets it be only for a
 * message with files (its caption taken off); emptying a message of words alone is a delete.
 */
export const editMessageSchema = z.strictObject({ content: sendContentSchema })

export const messageIdParamsSchema = z.object({ id: objectIdSchema })
export const reactionParamsSchema = z.object({ id: objectIdSchema, emoji: emojiSchema })

const seq = queryInteger(0)
const messageLimit = queryInteger(1, MESSAGE_LIST_LIMIT.max).default(MESSAGE_LIST_LIMIT.default)

export const historyQuerySchema = z.object({
  before: seq.optional(),
  after: seq.optional(),
  around: seq.optional(),
  limit: messageLimit,
}).refine(query => [query.before, query.after, query.around].filter(value => value !== undefined).length <= 1, {
  message: 'Use at most one of before, after and around',
})

export const changesQuerySchema = z.object({
  since: seq.default(0),
  limit: messageLimit,
})

export const searchQuerySchema = listQuerySchema().extend({
  q: codePoints(SEARCH_MIN, SEARCH_MAX),
  chatId: objectIdSchema.optional(),
})
