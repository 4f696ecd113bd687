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
 * A NUL, or half of a surrogate pair with no other half: not valid Unicode text. Storage
 * would keep the NUL or turn the half into U+FFFD, so what was stored would differ from
 * what was sent ("bob\uD800" shown as "bob\uFFFD", a clientId never found again).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Whether a text is valid Unicode without NUL: every text input must be (docs/api.md, "Text"). */
export function isWholeText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text)
}

/** Why a text that is not `isWholeText` is refused, naming what it is ("A message", "The name"). */
export function brokenTextMessage(subject = 'Text'): string {
  return `${subject} cannot hold NUL characters or broken Unicode`
}

/**
 * A string of `min`-`max` code points (not UTF-16 units) of valid Unicode without NUL
 * (`isWholeText`). JSON Schema's minLength and maxLength count code points too, so the
 * OpenAPI document states them as they are.
 */
export function codePoints(min: number, max: number, subject = 'Text') {
  return z.string().refine(isWholeText, { message: brokenTextMessage(subject), abort: true }).refine((text) => {
    const length = codePointLength(text)
    return length >= min && length <= max
  }, { message: `Must be ${min} to ${max} characters` }).meta({ minLength: min, maxLength: max })
}

/**
 * A control or format character where it does not belong in a name or a reaction
 * (docs/api-accounts.md, "Display names"): a line break, a zero-width space, or a direction
 * control (U+202E turned "Sam Two is typing..." into "...gnipyt si owT maS"). Kept are the
 * format characters writing needs: the zero-width joiner between two emoji (👩‍💻, 👨‍👩‍👧),
 * the joiner and non-joiner between letters of scripts that need them (Persian "کتاب‌ها",
 * Sinhala "ශ්‍රී"), and a whole subdivision flag (🏴, its tags, the cancel tag: England's);
 * loose tags would hide text.
 */
export function hiddenCharacter(text: string): boolean {
  const chars = [...text.replace(SUBDIVISION_FLAG, '\u{1F3F4}')]
  return chars.some((char, index) => /[\p{Cc}\p{Cf}]/u.test(char)
    && !(char === '\u200D' && EMOJI_PART.test(chars[index - 1] ?? '') && /\p{Extended_Pictographic}/u.test(chars[index + 1] ?? ''))
    && !((char === '\u200C' || char === '\u200D') && LETTER.test(chars[index - 1] ?? '') && LETTER.test(chars[index + 1] ?? '')))
}
const EMOJI_PART = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]/u
/** A letter or mark of a script whose writing uses the joiners (not Latin, Greek or Cyrillic, where "a\u200Db" would only copy "ab"). */
const LETTER = /(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])[\p{L}\p{M}]/u
/** 🏴, two to six tag letters or digits naming the region, the cancel tag: a subdivision flag. */
const SUBDIVISION_FLAG = /\u{1F3F4}[\u{E0061}-\u{E007A}\u{E0030}-\u{E0039}]{2,6}\u{E007F}/gu

export const HIDDEN_CHARACTER_MESSAGE = 'Names cannot contain invisible, line-break or text-direction characters'

/** At least one character that shows: not only spaces, joiners, marks or blank fillers. */
export function showsSomething(text: string): boolean {
  return /[^\p{White_Space}\p{Cc}\p{Cf}\p{Z}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/u.test(text)
}
