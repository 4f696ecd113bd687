import { z } from 'zod'
import { LIST_LIMIT } from '../limits'

/** A 24-hex MongoDB ObjectId, as every id on the wire. */
export const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/i, 'Expected a 24-character hex id')
  // JSON Schema patterns take no flags: the OpenAPI document states the case-insensitive form.
  .meta({ pattern: '^[0-9a-fA-F]{24}$' })
  .transform(id => id.toLowerCase())

/** `?limit=&cursor=` of every list (the contract: default 30, max 100; messages 50). */
export function listQuerySchema(defaultLimit: number = LIST_LIMIT.default) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(LIST_LIMIT.max).default(defaultLimit),
    cursor: z.string().max(512).optional(),
  })
}

/** Counts Unicode code points, as the contract's "characters" do. */
export function codePointLength(text: string): number {
  let length = 0
  for (const _ of text) length++
  return length
}

/**
 * A string of `min`-`max` code points (not UTF-16 units). JSON Schema's minLength and
 * maxLength count code points too, so the OpenAPI document states them as they are.
 */
export function codePoints(min: number, max: number) {
  return z.string().refine((text) => {
    const length = codePointLength(text)
    return length >= min && length <= max
  }, { message: `Must be ${min} to ${max} characters` }).meta({ minLength: min, maxLength: max })
}
