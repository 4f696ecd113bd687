import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { displayNameSchema, loginSchema, passwordSchema, resetPasswordSchema } from '#shared/schemas/auth'
import { createChatSchema, updateChatSchema } from '#shared/schemas/chats'
import { clientIdSchema, editMessageSchema, emojiSchema, messageContentSchema, reactionRemovalParamsSchema, sendMessageSchema } from '#shared/schemas/messages'
import { updateProfileSchema } from '#shared/schemas/users'
import { clientFrameSchema } from '#shared/schemas/ws'

// docs/api.md, "Text": every text input is valid Unicode without NUL; a clientId holds no
// control character; a reaction shows; a message shows something; channel names are NFC.
const LONE = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF']
const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success
const messages = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value)
  return result.success ? [] : result.error.issues.map(issue => issue.message)
}

describe('valid Unicode in every text input', () => {
  it('refuses a lone surrogate or NUL in names, bio, country, chat names and topics, passwords', () => {
    for (const bad of [...LONE.map(half => `ab${half}cd`), 'ab\u0000cd']) {
      expect(messages(displayNameSchema, `bob${bad}`), JSON.stringify(bad)).toContain('A name cannot hold NUL characters or broken Unicode')
      expect(accepts(updateProfileSchema, { bio: bad })).toBe(false)
      expect(accepts(updateProfileSchema, { country: bad })).toBe(false)
      expect(accepts(createChatSchema, { type: 'group', name: bad })).toBe(false)
      expect(accepts(createChatSchema, { type: 'channel', name: 'ok', topic: bad })).toBe(false)
      expect(accepts(updateChatSchema, { name: bad })).toBe(false)
      expect(messages(passwordSchema, `12345678${bad}`)).toEqual(['A password cannot hold NUL characters or broken Unicode'])
      expect(accepts(resetPasswordSchema, { token: 't', password: `12345678${bad}` })).toBe(false)
      expect(accepts(loginSchema, { login: 'ana', password: `12345678${bad}` })).toBe(false)
    }
  })

  it('keeps whole surrogate pairs, U+FFFD typed as such, and text in any script', () => {
    for (const good of ['Zoë 👩‍💻', '李小龍 😀', 'replacement \uFFFD typed']) {
      expect(accepts(displayNameSchema, good), good).toBe(true)
      expect(accepts(updateProfileSchema, { bio: `${good}\nsecond line`, country: good }), good).toBe(true)
      expect(accepts(createChatSchema, { type: 'channel', name: good, topic: good }), good).toBe(true)
      expect(accepts(passwordSchema, `password ${good}`), good).toBe(true)
    }
  })
})

describe('clientId', () => {
  it('refuses a lone surrogate, NUL or control characters; a UUID or printable text stays valid', () => {
    for (const bad of [...LONE.map(half => `L1${half}`), 'n\u0000', 'a\u0007', 'a\nb', 'a\u007Fb', '\u009F']) {
      expect(accepts(clientIdSchema, bad), JSON.stringify(bad)).toBe(false)
      expect(accepts(clientFrameSchema, { type: 'message.send', chatId: 'a'.repeat(24), content: 'hi', clientId: bad })).toBe(false)
    }
    for (const good of [crypto.randomUUID(), 'any printable text', 'é 👍 ü', 'x'.repeat(64)]) expect(accepts(clientIdSchema, good), good).toBe(true)
  })
})

describe('reactions', () => {
  it('refuses what does not show: control, format, zero-width, direction, soft hyphen, lone surrogates', () => {
    for (const bad of ['\u0000', '\u0001', '\u001B', '\u007F', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u202E', '\u2066', '\u00AD', '\u061C', '\u180E', '\u3164', '\u0301', '👍\u200B', '\u200D👍', '👍\u202E', ...LONE, '\uD83D']) {
      expect(accepts(emojiSchema, bad), JSON.stringify(bad)).toBe(false)
      expect(accepts(clientFrameSchema, { type: 'reaction.add', messageId: 'a'.repeat(24), emoji: bad })).toBe(false)
    }
  })

  it('takes emoji sequences and short text, as the contract says', () => {
    const england = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}'
    for (const good of ['👍', '❤️', '👨‍👩‍👧', '👩‍💻', '👍🏽', '🧑🏽‍💻', '🏳️‍🌈', '🏃‍♂️', '1️⃣', '🇫🇷', england, '+1', 'ok']) {
      expect(accepts(emojiSchema, good), good).toBe(true)
    }
    expect(accepts(emojiSchema, 'a b')).toBe(false)
    expect(accepts(emojiSchema, 'x'.repeat(17))).toBe(false)
  })
})

describe('blank messages', () => {
  it('refuses a text of invisible characters only, sent or edited, unless files come with it', () => {
    for (const blank of ['\u200B\u200B', '\u2060\u200B\u200C', '\u200D', '  ', '\u3164', '\u2800']) {
      expect(messages(messageContentSchema, blank), JSON.stringify(blank)).toContain('A message cannot be blank')
      expect(messages(sendMessageSchema, { content: blank })).toContain('A message cannot be blank')
      expect(accepts(clientFrameSchema, { type: 'message.send', chatId: 'a'.repeat(24), content: blank, clientId: 'c' })).toBe(false)
    }
    expect(accepts(sendMessageSchema, { content: '\u200B', attachments: ['a'.repeat(24)] })).toBe(true)
    expect(accepts(sendMessageSchema, { attachments: ['a'.repeat(24)] })).toBe(true)
    // An edit may be empty (a caption taken off); the service decides with hasTextOrFiles.
    expect(accepts(editMessageSchema, { content: '' })).toBe(true)
    for (const shown of ['👍', 'a\u200Bb', '.']) expect(accepts(messageContentSchema, shown), shown).toBe(true)
  })
})

describe('chat names', () => {
  it('are kept composed (NFC), as are topics', () => {
    const parsed = createChatSchema.parse({ type: 'channel', name: 're\u0301sume\u0301', topic: 'cafe\u0301' })
    expect(parsed).toMatchObject({ name: 'r\u00E9sum\u00E9', topic: 'caf\u00E9' })
    expect(updateChatSchema.parse({ name: 'e\u0301' })).toEqual({ name: '\u00E9' })
  })
})

describe('the joiners writing needs, and only whole flags', () => {
  it('keeps a zero-width joiner or non-joiner between letters: Persian, Sinhala, Malayalam names', () => {
    for (const name of ['کتاب\u200Cها', 'می\u200Cخواهیم', 'ශ්\u200Dරී ලංකා']) {
      expect(accepts(displayNameSchema, name), name).toBe(true)
      expect(accepts(createChatSchema, { type: 'channel', name }), name).toBe(true)
    }
    expect(accepts(displayNameSchema, 'ab\u200C')).toBe(false)
    expect(accepts(displayNameSchema, '\u200Dab')).toBe(false)
    expect(accepts(displayNameSchema, 'a\u200Cb')).toBe(false)
  })

  it('keeps a whole subdivision flag and refuses loose tag characters that would hide text', () => {
    const england = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}'
    expect(accepts(emojiSchema, england)).toBe(true)
    expect(accepts(displayNameSchema, `Team ${england}`)).toBe(true)
    const hidden = [...'admin'].map(letter => String.fromCodePoint(0xE0000 + letter.charCodeAt(0))).join('')
    expect(accepts(displayNameSchema, `Admin\u{1F3F4}${hidden}`)).toBe(false)
    expect(accepts(emojiSchema, `\u{1F3F4}${hidden}`)).toBe(false)
  })
})

describe('taking back a reaction stored under the older rule', () => {
  it('accepts removing an invisible reaction that can no longer be added', () => {
    for (const emoji of ['\u200B', '\u00AD', 'a\u0000']) {
      expect(accepts(emojiSchema, emoji), JSON.stringify(emoji)).toBe(false)
      expect(accepts(reactionRemovalParamsSchema, { id: 'a'.repeat(24), emoji }), JSON.stringify(emoji)).toBe(true)
      expect(accepts(clientFrameSchema, { type: 'reaction.remove', id: 'r1', messageId: 'a'.repeat(24), emoji }), JSON.stringify(emoji)).toBe(true)
    }
  })
})
