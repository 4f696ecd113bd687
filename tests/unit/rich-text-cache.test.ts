import { describe, expect, it } from 'vitest'
import { parseMessageContent } from '../../utils/rich-text'

// Rendering happens once per message (docs/messages.md, "Once per message"): a list that
// re-renders (a new message, a reaction, a scroll) reuses each text's parsed tree.

describe('parseMessageContent', () => {
  it('parses a text once: showing it again reuses the same tree', () => {
    const text = `**once** ${Date.now()} with \`code\``
    const first = parseMessageContent(text)
    expect(parseMessageContent(text)).toBe(first)
    // An edit is another text, parsed anew.
    expect(parseMessageContent(`${text} (edited)`)).not.toBe(first)
  })

  it('keeps the 2,000 texts used last, the ones on screen included however old', () => {
    const onScreen = 'a message that stays on screen'
    const kept = parseMessageContent(onScreen)
    const scrolledPast = 'a message scrolled past long ago'
    const dropped = parseMessageContent(scrolledPast)
    for (let index = 0; index < 3_000; index++) {
      parseMessageContent(`message ${index}`)
      // Re-rendered now and then, as the list does with what it shows.
      if (index % 1_000 === 0) parseMessageContent(onScreen)
    }
    expect(parseMessageContent(onScreen)).toBe(kept)
    expect(parseMessageContent(scrolledPast)).not.toBe(dropped)
    expect(parseMessageContent(scrolledPast)).toEqual(dropped)
  })
})
