import { parseMarkdown, type RichNode } from '#shared/markdown'

const CACHE_SIZE = 2000
const parsed = new Map<string, RichNode[]>()

/**
 * A message's tree, parsed once per text: lists re-render often (a new message, a
 * reaction, a scroll), and each text is parsed only the first time it is shown.
 */
export function parseMessageContent(content: string): RichNode[] {
  const held = parsed.get(content)
  if (held) {
    // Map order is insertion order: re-inserting keeps recently used texts last.
    parsed.delete(content)
    parsed.set(content, held)
    return held
  }
  const nodes = parseMarkdown(content)
  parsed.set(content, nodes)
  if (parsed.size > CACHE_SIZE) parsed.delete(parsed.keys().next().value!)
  return nodes
}
