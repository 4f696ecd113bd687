import { fenceOf } from './code-fence'

/**
 * Emoji shortcodes (":tada:", ":+1:", ":white_check_mark:"), as typed by people coming from
 * Slack, Mattermost, Zulip and GitHub: completed in the composer and turned into the emoji
 * when a message is sent (docs/messages.md, "Emoji shortcodes"). The names are the
 * emoji picker's own data (emoji-picker-element-data, emojibase set, Apache-2.0), served by
 * Parley at /emoji/data.json and fetched only once a person types a shortcode.
 */

/** One emoji of the picker's data, as much of it as shortcodes need. */
export interface ShortcodeEmoji {
  emoji: string
  shortcodes?: string[]
}

export type ShortcodeMap = ReadonlyMap<string, string>

/** A shortcode's name: letters, digits, "_", "+" and "-" (":+1:", ":-1:", ":e-mail:"). */
const NAME = '[a-z0-9_+-]+'
// A shortcode stands alone: after the start, a space, an opening mark or another shortcode's
// colon, and before the end, a space or punctuation. So "http://x:80:y" and "10:30:00" stay.
const SHORTCODE = new RegExp(`(?<=^|[\\s([{"'*_~:])(:${NAME}:)(?=$|[\\s)\\]}"'.,!?;:*_~])`, 'gi')
/** The shortcode being typed at the caret: ":" and at least two characters of a name. */
const TYPED_SHORTCODE = /(?<=^|[\s([{"'*_~]):([a-z0-9_+-]{2,32})$/i
/** An inline code span: a run of backticks up to the same run (CommonMark). */
const CODE_SPAN = /(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g

export function shortcodeMap(data: readonly ShortcodeEmoji[]): ShortcodeMap {
  const map = new Map<string, string>()
  for (const entry of data) {
    for (const name of entry.shortcodes ?? []) {
      if (!map.has(name)) map.set(name, entry.emoji)
    }
  }
  return map
}

/** The [start, end) ranges of code blocks and code spans, whose text is kept as typed. */
function codeRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  let offset = 0
  let open: { marker: string, start: number } | null = null
  let prose = ''
  let proseStart = 0
  const flushProse = () => {
    for (const span of prose.matchAll(CODE_SPAN)) ranges.push([proseStart + span.index, proseStart + span.index + span[0].length])
  }
  for (const line of text.split('\n')) {
    const fence = fenceOf(line)
    const end = offset + line.length + 1
    if (open) {
      if (fence && fence.marker[0] === open.marker[0] && fence.marker.length >= open.marker.length && !fence.info.trim()) {
        ranges.push([open.start, end])
        open = null
        proseStart = end
      }
    }
    else if (fence) {
      flushProse()
      prose = ''
      open = { marker: fence.marker, start: offset }
    }
    else {
      if (!prose) proseStart = offset
      prose += `${line}\n`
    }
    offset = end
  }
  // A block never closed runs to the end of the message, as Markdown renders it.
  if (open) ranges.push([open.start, text.length])
  else flushProse()
  return ranges
}

/** The text with each known shortcode outside code replaced by its emoji; unknown ones stay as typed. */
export function replaceShortcodes(text: string, map: ShortcodeMap): string {
  if (!text.includes(':')) return text
  const code = codeRanges(text)
  return text.replace(SHORTCODE, (whole: string, _shortcode: string, index: number) => {
    if (code.some(([start, end]) => index >= start && index < end)) return whole
    return map.get(whole.slice(1, -1).toLowerCase()) ?? whole
  })
}

/** Whether the text holds something shaped like a shortcode (worth loading the names for). */
export function mayHoldShortcode(text: string): boolean {
  return new RegExp(SHORTCODE.source, 'i').test(text)
}

/** The name typed after ":" at the end of `before` (the text before the caret), or null. */
export function typedShortcode(before: string): string | null {
  return TYPED_SHORTCODE.exec(before)?.[1]?.toLowerCase() ?? null
}

/** Replaces the ":name" typed at the end of `before` by the emoji. */
export function completeShortcode(before: string, emoji: string): string {
  return before.replace(TYPED_SHORTCODE, emoji)
}

export interface ShortcodeOption { shortcode: string, emoji: string }

/** Up to `max` emoji whose shortcodes start with the typed name (then those that hold it), in the picker's order. */
export function matchShortcodes(map: ShortcodeMap, typed: string, max = 8): ShortcodeOption[] {
  const starts: ShortcodeOption[] = []
  const holds: ShortcodeOption[] = []
  const seen = new Set<string>()
  for (const [shortcode, emoji] of map) {
    if (seen.has(emoji)) continue
    const list = shortcode.startsWith(typed) ? starts : shortcode.includes(typed) ? holds : null
    if (!list) continue
    seen.add(emoji)
    list.push({ shortcode, emoji })
  }
  return [...starts, ...holds].slice(0, max)
}
