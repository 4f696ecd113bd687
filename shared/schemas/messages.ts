import { z } from 'zod'
import { MESSAGE_LIST_LIMIT, MESSAGE_MAX, SEARCH_MAX, SEARCH_MIN } from '../limits'
import { attachmentIdsSchema } from './attachments'
import { codePointLength, codePoints, hiddenCharacter, listQuerySchema, objectIdSchema, showsSomething } from './common'
import { queryInteger } from './query'

/** Why text that shows nothing is refused, in a send, an edit and the composer alike. */
export const BLANK_MESSAGE = 'A message cannot be blank'
/** 1-4000 code points of valid text (no NUL, no lone surrogate) that shows something. */
export const messageContentSchema = codePoints(1, MESSAGE_MAX, 'A message')
  .refine(showsSomething, { message: BLANK_MESSAGE })
/** A send's text: as messageContentSchema, but it may be empty (or left out) when files are attached. */
export const sendContentSchema = codePoints(0, MESSAGE_MAX, 'A message')
/**
 * Text, files, or both: a send with no attachments needs text that shows something, not
 * only spaces or invisible characters ("\u200B\u200B" would be an empty bubble).
 */
export function hasTextOrFiles(send: { content: string, attachments?: readonly unknown[] }): boolean {
  return showsSomething(send.content) || (send.attachments?.length ?? 0) > 0
}
/**
 * The refinement's params, a new object each time: zod moves `message` out of the object it is
 * given (into `error`), so one shared object lost its words after the first schema took it,
 * and an edit of invisible characters was refused as "The request is not valid."
 */
export function blankSend() {
  return { message: BLANK_MESSAGE, path: ['content'] }
}
/**
 * A send's own id for retries (a UUID, or any printable text): 1-64 code points of valid
 * Unicode without control characters. A lone surrogate would be stored as U+FFFD and the
 * retry never matched to its original (docs/api.md, "Text").
 */
export const clientIdSchema = codePoints(1, 64, 'A clientId')
  .refine(id => !/\p{Cc}/u.test(id), { message: 'A clientId cannot hold control characters' })
/**
 * A reaction: 1-16 code points without whitespace that show something, and none of the
 * invisible ones (control, zero-width, direction: `hiddenCharacter`), but for the joiners
 * and tags an emoji is built of (👨‍👩‍👧, ❤️). Invisible reactions filled a message's 20 slots.
 */
export const emojiSchema = codePoints(1, 16, 'An emoji')
  .refine(text => !/\s/u.test(text), { message: 'An emoji is 1 to 16 characters without spaces' })
  .refine(text => showsSomething(text) && !hiddenCharacter(text), { message: 'An emoji cannot be or hold invisible, control or text-direction characters' })
  .meta({ minLength: 1, maxLength: 16, pattern: '^\\S+$' })
/**
 * A reaction to take back: the rule reactions had before they had to show (1-16 code points
 * without spaces), so one stored under it (U+200B, NUL) can still be removed, not hold one
 * of the message's 20 slots for good.
 */
export const removedEmojiSchema = z.string()
  .refine(text => codePointLength(text) >= 1 && codePointLength(text) <= 16 && !/\s/u.test(text), { message: 'An emoji is 1 to 16 characters without spaces' })
  .meta({ minLength: 1, maxLength: 16, pattern: '^\\S+$' })

export const sendMessageSchema = z.strictObject({
  content: sendContentSchema.default(''),
  clientId: clientIdSchema.optional(),
  replyToId: objectIdSchema.nullish(),
  attachments: attachmentIdsSchema.optional(),
}).refine(hasTextOrFiles, blankSend())
/**
 * An edit's text: as a send's, it may be empty, and the service lets it be only for a
 * message with files (its caption taken off); emptying a message of words alone is a delete.
 */
export const editMessageSchema = z.strictObject({ content: sendContentSchema })

export const messageIdParamsSchema = z.object({ id: objectIdSchema })
export const reactionParamsSchema = z.object({ id: objectIdSchema, emoji: emojiSchema })
export const reactionRemovalParamsSchema = z.object({ id: objectIdSchema, emoji: removedEmojiSchema })

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
