import { z } from 'zod'
import { attachmentIdsSchema } from './attachments'
import { objectIdSchema } from './common'
import { blankSend, clientIdSchema, editMessageSchema, emojiSchema, hasTextOrFiles, removedEmojiSchema, sendContentSchema } from './messages'

// Client frames of /ws (docs/api.md, WebSocket). The same field schemas as the REST bodies.
const frameId = z.string().max(128).optional()

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), id: frameId, token: z.string().min(1).max(4096) }),
  z.strictObject({
    type: z.literal('message.send'), id: frameId, chatId: objectIdSchema, content: sendContentSchema.default(''), clientId: clientIdSchema,
    replyToId: objectIdSchema.nullish(), attachments: attachmentIdsSchema.optional(),
  }).refine(hasTextOrFiles, blankSend()),
  z.strictObject({ type: z.literal('message.edit'), id: frameId, messageId: objectIdSchema, content: editMessageSchema.shape.content }),
  z.strictObject({ type: z.literal('message.delete'), id: frameId, messageId: objectIdSchema }),
  z.strictObject({ type: z.literal('reaction.add'), id: frameId, messageId: objectIdSchema, emoji: emojiSchema }),
  z.strictObject({ type: z.literal('reaction.remove'), id: frameId, messageId: objectIdSchema, emoji: removedEmojiSchema }),
  z.strictObject({ type: z.literal('typing'), id: frameId, chatId: objectIdSchema }),
  z.strictObject({ type: z.literal('read'), id: frameId, chatId: objectIdSchema, seq: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('ping'), id: frameId }),
  // A public channel looked at before joining is heard live until `chat.unwatch` or the socket's end (docs/api-realtime.md).
  z.strictObject({ type: z.literal('chat.watch'), id: frameId, chatId: objectIdSchema }),
  z.strictObject({ type: z.literal('chat.unwatch'), id: frameId, chatId: objectIdSchema }),
  // Whether this tab is shown: Web Push waits while one of the person's tabs is (docs/messages.md, "Web Push").
  z.strictObject({ type: z.literal('visibility'), id: frameId, visible: z.boolean() }),
])
export type ClientFrame = z.infer<typeof clientFrameSchema>
/** Every client frame's `type`, from the union itself: a type not among them is unknown, not invalid (router.ts). */
export const CLIENT_FRAME_TYPES: readonly ClientFrame['type'][] = clientFrameSchema.options.map(option => option.shape.type.value)
