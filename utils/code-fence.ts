/**
 * Code fences as the messages' Markdown reads them (markdown-it, CommonMark: shared/markdown.ts),
 * for the composer's Enter (docs/messages.md, "In the app"; tests/e2e/chat-formatting.spec.ts).
 */

/** A fence line: up to three spaces, three or more ` or ~, then the info string (a language). */
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/

/** The fence a line opens or closes, or null: a backtick fence's info string has no backtick (```x``` is inline code). */
export function fenceOf(line: string): { marker: string, info: string } | null {
  const match = FENCE_LINE.exec(line)
  if (!match) return null
  const [, marker = '', info = ''] = match
  return marker.startsWith('`') && info.includes('`') ? null : { marker, info }
}

/** Whether the text before the caret leaves a code block open: Enter there is the block's next line. */
export function insideOpenFence(before: string): boolean {
  let open: string | null = null
  for (const line of before.split('\n')) {
    const fence = fenceOf(line)
    if (!fence) continue
    if (open === null) open = fence.marker
    // A closing fence: the same character, at least as long, nothing after it.
    else if (fence.marker[0] === open[0] && fence.marker.length >= open.length && !fence.info.trim()) open = null
  }
  return open !== null
}

/** Text made only of fences and blank lines: it shows as an empty code box, or nothing. */
export function rendersNothing(text: string): boolean {
  return text.trim().length > 0 && text.split('\n').every(line => !line.trim() || fenceOf(line) !== null)
}
