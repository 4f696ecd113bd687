import { describe, expect, it } from 'vitest'
import data from 'emoji-picker-element-data/en/emojibase/data.json'
import { completeShortcode, matchShortcodes, replaceShortcodes, shortcodeMap, typedShortcode } from '~~/utils/emoji-shortcodes'

// The data the app serves at /emoji/data.json (nuxt.config.ts), the picker's own.
const map = shortcodeMap(data)
const tada = map.get('tada')!
const thumbsUp = map.get('+1')!

describe('replaceShortcodes', () => {
  it('turns the shortcodes people bring from Slack and GitHub into emoji', () => {
    expect(tada).toBe('🎉')
    expect(thumbsUp.startsWith('👍')).toBe(true)
    expect(replaceShortcodes(':tada: done :+1: :white_check_mark:', map)).toBe(`🎉 done ${thumbsUp} ${map.get('white_check_mark')}`)
    expect(replaceShortcodes(':TADA:', map)).toBe('🎉')
  })

  it('converts next to punctuation, markers and another shortcode', () => {
    expect(replaceShortcodes('shipped:tada:', map)).toBe('shipped:tada:')
    expect(replaceShortcodes('(:tada:), **:tada:**!', map)).toBe('(🎉), **🎉**!')
    expect(replaceShortcodes(':tada::tada:', map)).toBe('🎉🎉')
    expect(replaceShortcodes('first line\n:tada:\nlast', map)).toBe('first line\n🎉\nlast')
  })

  it('keeps unknown shortcodes as typed', () => {
    expect(replaceShortcodes(':not_an_emoji: :tada:', map)).toBe(':not_an_emoji: 🎉')
    expect(replaceShortcodes('a :: b', map)).toBe('a :: b')
  })

  it('keeps code spans and code blocks literally', () => {
    expect(replaceShortcodes('type `:tada:` for :tada:', map)).toBe('type `:tada:` for 🎉')
    expect(replaceShortcodes('``a ` :tada:`` :tada:', map)).toBe('``a ` :tada:`` 🎉')
    expect(replaceShortcodes('```yaml\nkey: :tada:\n```\n:tada:', map)).toBe('```yaml\nkey: :tada:\n```\n🎉')
    expect(replaceShortcodes(':tada:\n~~~\n:tada:', map)).toBe('🎉\n~~~\n:tada:')
  })

  it('leaves addresses, times and ports alone', () => {
    for (const text of ['http://x:80:y', 'http://x:100:y', 'at 10:30:00', 'see https://example.com/a:tada:b', 'std::vector']) {
      expect(replaceShortcodes(text, map)).toBe(text)
    }
  })
})

describe('completion', () => {
  it('reads ":" and two or more characters before the caret', () => {
    expect(typedShortcode('well :tad')).toBe('tad')
    expect(typedShortcode(':t')).toBeNull()
    expect(typedShortcode('http://x')).toBeNull()
    expect(typedShortcode('10:30')).toBe(null)
    expect(completeShortcode('well :tad', '🎉')).toBe('well 🎉')
  })

  it('offers the emoji whose shortcodes start with it first', () => {
    expect(matchShortcodes(map, 'tad')[0]).toEqual({ shortcode: 'tada', emoji: '🎉' })
    expect(matchShortcodes(map, 'heart').length).toBe(8)
  })
})
