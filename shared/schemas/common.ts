import { z } from 'zod'
import { LIST_LIMIT } from '../limits'
import { queryInteger } from './query'

/** A 24-hex MongoDB ObjectId, as every id on the wire. */
export const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/i, 'Expected a 24-character hex id')
  // JSON Schema patterns take no flags: the OpenAPI document states the case-insensitive form.
  .meta({ pattern: '^[0-9a-fA-F]{24}$' })
  .transform(id => id.toLowerCase())

/** `?limit=&cursor=` of every list (the contract: default 30, max 100; messages 50). */
export function listQuerySchema(defaultLimit: number = LIST_LIMIT.default) {
  return z.object({
    limit: queryInteger(1, LIST_LIMIT.max).default(defaultLimit),
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

/**
 * A control or format character where it does not belong in a name (docs/api-accounts.md,
 * "Display names"): a line break, a zero-width space, or a direction control (U+202E
 * turned "Sam Two is typing..." into "...gnipyt si owT maS"). The zero-width joiner is
 * kept between two emoji, where it builds one (👩‍💻).
 */
export function hiddenCharacter(text: string): boolean {
  const chars = [...text]
  return chars.some((char, index) => /[\p{Cc}\p{Cf}]/u.test(char)
    && !(char === '\u200D' && EMOJI_PART.test(chars[index - 1] ?? '') && /\p{Extended_Pictographic}/u.test(chars[index + 1] ?? '')))
}
const EMOJI_PART = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]/u

export const HIDDEN_CHARACTER_MESSAGE = 'Names cannot contain invisible, line-break or text-direction characters'

/** At least one character that shows: not only spaces, joiners, marks or blank fillers. */
export function showsSomething(text: string): boolean {
  return /[^\p{White_Space}\p{Cc}\p{Cf}\p{Z}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/u.test(text)
}
