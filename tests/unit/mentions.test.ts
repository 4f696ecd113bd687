import { describe, expect, it } from 'vitest'
import { usernameSchema } from '#shared/schemas/auth'
import { CHAT_WIDE_MENTION_MEMBER_LIMIT, CHAT_WIDE_MENTIONS, findMentions, MAX_MENTIONS_PER_MESSAGE, mayMentionChatWide, mentionHighlights, splitMentions, type DecidedMentions } from '#shared/mentions'

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

  it('reads @channel and @everyone, in any letter case, as @all: the whole chat, not a person', () => {
    for (const word of ['@channel', '@everyone', '@Everyone', '@CHANNEL']) {
      expect(findMentions(`${word} release at 5`)).toEqual({ usernames: [], chatWide: true, everyone: true })
    }
    expect(findMentions('@here and @everyone, @ana')).toEqual({ usernames: ['ana'], chatWide: true, everyone: true })
    // Longer names that start with the words are people; words in code or an address are not mentions.
    expect(findMentions('@everyone2 @channels `@everyone` me@channel.io')).toEqual({ usernames: ['everyone2', 'channels'], chatWide: false, everyone: false })
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

describe('mayMentionChatWide', () => {
  it('lets anyone address a chat, except a channel of more than 50 where only owners and admins may', () => {
    for (const role of ['owner', 'admin', 'member'] as const) {
      expect(mayMentionChatWide({ type: 'group', memberCount: 200 }, role)).toBe(true)
      expect(mayMentionChatWide({ type: 'direct', memberCount: 2 }, role)).toBe(true)
      expect(mayMentionChatWide({ type: 'channel', memberCount: CHAT_WIDE_MENTION_MEMBER_LIMIT }, role)).toBe(true)
    }
    expect(CHAT_WIDE_MENTION_MEMBER_LIMIT).toBe(50)
    expect(mayMentionChatWide({ type: 'channel', memberCount: 51 }, 'member')).toBe(false)
    expect(mayMentionChatWide({ type: 'channel', memberCount: 51 }, null)).toBe(false)
    expect(mayMentionChatWide({ type: 'channel', memberCount: 51 }, 'admin')).toBe(true)
    expect(mayMentionChatWide({ type: 'channel', memberCount: 5000 }, 'owner')).toBe(true)
  })
})

describe('mentionHighlights', () => {
  const ana = { id: 'a'.repeat(24), username: 'Ana' }
  const bob = { id: 'b'.repeat(24), username: 'bob' }
  const cy = { id: 'c'.repeat(24), username: 'cy_1' }
  const known: Record<string, string> = { ana: ana.id, bob: bob.id, cy_1: cy.id }
  const idOf = (name: string) => known[name]
  const message = (content: string, fields: Partial<DecidedMentions> = {}): DecidedMentions =>
    ({ content, sender: bob, mentions: [], mentionsAll: false, edited: false, ...fields })
  const sorted = (highlights: { names: ReadonlySet<string>, mine: ReadonlySet<string> }) => ({ names: [...highlights.names].sort(), mine: [...highlights.mine].sort() })

  it('highlights what the server decided, not the text: a refused @all or a non-member is plain', () => {
    expect(sorted(mentionHighlights(message('@all and @here, @ana @ghost'), ana, idOf))).toEqual({ names: [], mine: [] })
    expect(sorted(mentionHighlights(message('@all and @here, @ANA', { mentions: [ana.id], mentionsAll: true }), ana, idOf)))
      .toEqual({ names: ['all', 'ana', 'channel', 'everyone', 'here'], mine: ['all', 'ana', 'channel', 'everyone', 'here'] })
    // The sender's own @all is a mention, not of them; their own name never is.
    expect(sorted(mentionHighlights(message('@all from @bob', { mentionsAll: true }), bob, idOf))).toEqual({ names: ['all', 'channel', 'everyone', 'here'], mine: [] })
    expect(sorted(mentionHighlights(message('@cy_1 and @ana', { mentions: [cy.id] }), ana, idOf))).toEqual({ names: ['cy_1'], mine: [] })
  })

  it('highlights an honoured @everyone or @channel as chat-wide, as @all, and a refused one not at all', () => {
    expect(mentionHighlights(message('@Everyone and @channel, look', { mentionsAll: true }), ana, idOf).mine).toEqual(new Set(CHAT_WIDE_MENTIONS))
    expect(sorted(mentionHighlights(message('@everyone look'), ana, idOf))).toEqual({ names: [], mine: [] })
  })

  it('tells the names it knows no id for by the ids left over, and only when the count says', () => {
    const nobodyKnown = () => undefined
    expect(sorted(mentionHighlights(message('@dee @eve', { mentions: ['d'.repeat(24), 'e'.repeat(24)] }), ana, nobodyKnown)).names).toEqual(['dee', 'eve'])
    expect(sorted(mentionHighlights(message('@dee @eve'), ana, nobodyKnown)).names).toEqual([])
    // One of two unknown names is a mention: which one cannot be told, so neither is shown as one.
    expect(sorted(mentionHighlights(message('@dee @eve', { mentions: ['d'.repeat(24)] }), ana, nobodyKnown)).names).toEqual([])
    // Known names are matched first: the one id left is the unknown name's.
    expect(sorted(mentionHighlights(message('@cy_1 @dee', { mentions: ['d'.repeat(24), cy.id] }), ana, idOf)).names).toEqual(['cy_1', 'dee'])
    // A reply's author is mentioned without a name: that id is not an unknown name's.
    expect(sorted(mentionHighlights(message('@dee', { mentions: [ana.id, 'd'.repeat(24)], replyTo: { senderId: ana.id } }), cy, nobodyKnown)).names).toEqual(['dee'])
    expect(sorted(mentionHighlights(message('@dee', { mentions: [ana.id], replyTo: { senderId: ana.id } }), cy, nobodyKnown)).names).toEqual([])
    // After an edit the names may be new ones, decided on by nobody.
    expect(sorted(mentionHighlights(message('@eve', { mentions: ['d'.repeat(24)], edited: true }), ana, nobodyKnown)).names).toEqual([])
  })
})

describe('usernameSchema', () => {
  it('refuses every chat-wide word as a username, in any letter case, with a message that says why', () => {
    for (const word of [...CHAT_WIDE_MENTIONS, 'Everyone', ' CHANNEL ']) {
      const result = usernameSchema.safeParse(word)
      expect(result.success).toBe(false)
      const name = word.trim()
      expect(result.error!.issues.map(issue => issue.message)).toEqual([`"${name}" cannot be a username: @${name.toLowerCase()} mentions the whole chat`])
    }
    for (const name of ['everyone2', 'channels', 'all_of_us', 'ana']) expect(usernameSchema.safeParse(name).success).toBe(true)
  })
})
