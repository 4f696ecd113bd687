import { describe, expect, it } from 'vitest'
import { displayNameSchema } from '#shared/schemas/auth'
import { createChatSchema } from '#shared/schemas/chats'

// docs/api-accounts.md, "Display names": a name is put into other people's sentences
// ("Sam is typing...", "Sam: see you"), so it must show and must not turn them around.
function problem(name: string) {
  const result = displayNameSchema.safeParse(name)
  return result.success ? null : result.error.issues.map(issue => issue.message)
}

describe('display names', () => {
  it('takes names in any script, with emoji built with a joiner', () => {
    for (const name of ['Sam Two', 'مريم العربية', 'שרה', '李小龍', 'Zoë', 'Ana 👩‍💻', '👨‍👩‍👧', 'Ana 👋🏽', 'X Æ A-12']) {
      expect(problem(name), name).toBeNull()
    }
  })

  it('refuses a name that shows nothing, as it refuses spaces', () => {
    for (const name of ['   ', '\u200B', '\u200B\u200C', '\u2066\u2069', '\u3164', '\u0301', '']) {
      expect(problem(name), JSON.stringify(name)).toEqual(['Use 1 to 64 characters'])
    }
  })

  it('refuses text-direction controls, which turned the sentences around the name', () => {
    for (const name of ['\u202ESam Two', 'Sam\u202D', 'a\u2066b\u2069', 'a\u200Fb', 'a\u200Eb', 'a\u061Cb', 'a\u202Ab\u202C']) {
      expect(problem(name), JSON.stringify(name)).toEqual(['Names cannot contain invisible, line-break or text-direction characters'])
    }
  })

  it('refuses line breaks, other control characters and zero-width characters inside a name', () => {
    for (const name of ['a\nb', 'a\tb', 'a\u200Bb', 'a\uFEFFb', 'a\u200Db', '\u200D👩']) {
      expect(problem(name), JSON.stringify(name)).toEqual(['Names cannot contain invisible, line-break or text-direction characters'])
    }
    // NUL is not text at all, as a lone surrogate is not (tests/unit/text-input.test.ts).
    expect(problem('a\u0000b')).toEqual(['A name cannot hold NUL characters or broken Unicode'])
  })

  it('holds chat names to the same rules', () => {
    const names = (name: string) => createChatSchema.safeParse({ type: 'group', name }).success
    expect(names('Trail crew 🏔️')).toBe(true)
    expect(names('فريق')).toBe(true)
    expect(names('\u202Epuorg')).toBe(false)
    expect(names('\u200B')).toBe(false)
    expect(names('a\nb')).toBe(false)
  })
})
