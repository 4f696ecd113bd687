import { z } from 'zod'
import { CHAT_NAME_MAX, CHAT_TOPIC_MAX } from '../limits'
import { codePoints, hiddenCharacter, HIDDEN_CHARACTER_MESSAGE, listQuerySchema, objectIdSchema, showsSomething } from './common'

/**
 * Chat names and topics; a name must show something, not only spaces. A name is kept
 * composed (NFC): "e\u0301" and "\u00E9" look the same, so they are one channel's name
 * (docs/api.md, "Channel names").
 */
const chatName = codePoints(1, CHAT_NAME_MAX, 'The name').refine(showsSomething, { message: 'The name cannot be blank', abort: true })
  .refine(name => !hiddenCharacter(name), { message: HIDDEN_CHARACTER_MESSAGE })
  .transform(name => name.normalize('NFC'))
const chatTopic = codePoints(0, CHAT_TOPIC_MAX, 'The topic').transform(topic => topic.normalize('NFC'))

export const MAX_GROUP_MEMBERS = 256

// A union (not discriminated): two shapes share type "direct".
export const createChatSchema = z.union([
  z.strictObject({ type: z.literal('direct'), userId: objectIdSchema }),
  z.strictObject({ type: z.literal('direct'), username: z.string().min(1).max(64) }),
  z.strictObject({ type: z.literal('group'), name: chatName, memberIds: z.array(objectIdSchema).max(MAX_GROUP_MEMBERS - 1).default([]) }),
  z.strictObject({ type: z.literal('channel'), name: chatName, topic: chatTopic.nullish() }),
])
export type CreateChatInput = z.infer<typeof createChatSchema>

export const updateChatSchema = z.strictObject({
  name: chatName.optional(),
  topic: chatTopic.nullable().optional(),
})

export const chatIdParamsSchema = z.object({ id: objectIdSchema })
export const memberParamsSchema = z.object({ id: objectIdSchema, userId: objectIdSchema })

export const addMembersSchema = z.strictObject({ userIds: z.array(objectIdSchema).min(1).max(MAX_GROUP_MEMBERS) })
export const memberRoleSchema = z.strictObject({ role: z.enum(['admin', 'member']) })
export const notificationLevelSchema = z.enum(['all', 'mentions', 'none'])
/** `notify` sets the level ('none' mutes until turned back on); `muteHours` mutes for 1 or 8 hours, null ends it. */
export const notificationSettingsSchema = z.strictObject({
  notify: notificationLevelSchema.optional(),
  muteHours: z.union([z.literal(1), z.literal(8)]).nullable().optional(),
}).refine(input => input.notify !== undefined || input.muteHours !== undefined, { message: 'Give notify or muteHours' })
export type NotificationSettingsInput = z.infer<typeof notificationSettingsSchema>

export const markReadSchema = z.strictObject({ seq: z.number().int().min(0) })

export const chatListQuerySchema = listQuerySchema()
/**
 * A chat's members, all or only those of one role (`?role=admin`: who would own it after
 * its owner), or only those whose username or display name starts with `q` (the @ completion).
 */
export const memberListQuerySchema = listQuerySchema().extend({
  role: z.enum(['owner', 'admin', 'member']).optional(),
  q: z.string().trim().max(64).optional(),
})
export const publicChatsQuerySchema = listQuerySchema().extend({ q: z.string().max(100).optional() })
