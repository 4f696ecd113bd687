import { z } from 'zod'
import { BIO_MAX, COUNTRY_MAX } from '../limits'
import { objectIdSchema, listQuerySchema, codePointLength, isWholeText, brokenTextMessage } from './common'
import { displayNameSchema, emailSchema, typedPasswordSchema } from './auth'

// Users and administration (docs/api.md).

function optionalText(max: number) {
  // null (or an empty string) clears the field.
  return z.string().trim()
    .refine(isWholeText, { message: brokenTextMessage(), abort: true })
    .refine(text => codePointLength(text) <= max, { message: `At most ${max} characters` })
    .meta({ maxLength: max })
    .transform(text => (text === '' ? null : text))
    .nullable()
    .optional()
}

export const updateProfileSchema = z.strictObject({
  displayName: displayNameSchema.optional(),
  email: emailSchema.nullable().optional(),
  country: optionalText(COUNTRY_MAX),
  age: z.number().int('Use a whole number').min(13, 'At least 13').max(130, 'At most 130').nullable().optional(),
  bio: optionalText(BIO_MAX),
})

export const accountPasswordSchema = typedPasswordSchema('Enter your password')

/** A guest has no password: their account is deleted on their session alone. */
export const deleteAccountSchema = z.strictObject({
  password: accountPasswordSchema.optional(),
})

export const userDirectoryQuerySchema = listQuerySchema().extend({
  q: z.string().trim().max(64).optional(),
  // Only these users (comma-separated, at most 100): how a client reads again the presence
  // of the people it shows after its socket was down (docs/api.md, "Users").
  ids: z.string().max(2_600).transform(ids => ids.split(',')).pipe(z.array(objectIdSchema).min(1).max(100)).optional(),
})

export const adminUpdateUserSchema = z.strictObject({
  role: z.enum(['user', 'admin']).optional(),
  banned: z.boolean().optional(),
})

export const userIdParamsSchema = z.object({ id: objectIdSchema })
export const sessionIdParamsSchema = z.object({ id: objectIdSchema })

export type UpdateProfileInput = z.infer<typeof updateProfileSchema>
export type AdminUpdateUserInput = z.infer<typeof adminUpdateUserSchema>
