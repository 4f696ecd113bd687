/** `text` as a regular expression that matches it literally (user input in `$regex`). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
