import { describe, expect, it } from 'vitest'
import { findMentions, MAX_MENTIONS_PER_MESSAGE, splitMentions } from '#shared/mentions'

describe('splitMentions', () => {
  it('finds @names, not addresses, and drops sentence punctuation', () => {
    expect(splitMentions('hi @ann.b, see @Ben. mail ann@example.com or @x and @-')).toEqual([
      'hi ', { mention: 'ann.b' }, ', see ', { mention: 'Ben' }, '. mail ann@example.com or @x and @-',
    ])
    expect(splitMentions('@all look')).toEqual([{ mention: 'all' }, ' look'])
    expect(splitMentions('no mentions')).toEqual(['no mentions'])
  })
})

describe('findMentions', () => {
  it('collects lower-cased usernames once and notices @all and @here', () => {
    expect(findMentions('@Ann and @ann, **@ben_c**')).toEqual({ usernames: ['ann', 'ben_c'], chatWide: false, everyone: false })
    expect(findMentions('@here quick one')).toEqual({ usernames: [], chatWide: true, everyone: false })
    expect(findMentions('@ALL')).toEqual({ usernames: [], chatWide: true, everyone: true })
  })

  it('ignores mentions in code, code blocks and link text', () => {
    expect(findMentions('`@ann` [@ben](https://example.com)\n```\n@carl @all\n```')).toEqual({ usernames: [], chatWide: false, everyone: false })
  })

  it('caps the people one message can mention', () => {
    const names = Array.from({ length: 50 }, (_, index) => `@user${index}`).join(' ')
    expect(findMentions(names).usernames).toHaveLength(MAX_MENTIONS_PER_MESSAGE)
  })

  it('copes with a 4,000-character message of @ signs', () => {
    expect(findMentions('@'.repeat(4000))).toEqual({ usernames: [], chatWide: false, everyone: false })
    expect(findMentions('@abc'.repeat(1000))).toEqual({ usernames: ['abc'], chatWide: false, everyone: false })
    expect(findMentions(' @abc'.repeat(800)).usernames).toEqual(['abc'])
  })
})
