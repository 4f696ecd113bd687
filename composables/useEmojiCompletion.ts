import { completeShortcode, matchShortcodes, mayHoldShortcode, replaceShortcodes, shortcodeMap, typedShortcode, type ShortcodeEmoji, type ShortcodeMap, type ShortcodeOption } from '~/utils/emoji-shortcodes'

let loading: Promise<ShortcodeMap> | null = null
const loaded = shallowRef<ShortcodeMap | null>(null)

/**
 * The shortcodes' names, from the emoji picker's own data (served by Parley at
 * /emoji/data.json, cached by the browser): fetched the first time a person types a
 * shortcode, never with the first page load. A failure is tried again next time.
 */
export function loadShortcodes(): Promise<ShortcodeMap> {
  loading ??= $fetch<ShortcodeEmoji[]>('/emoji/data.json')
    .then((data) => {
      loaded.value = shortcodeMap(data)
      return loaded.value
    })
    .catch((error: unknown) => {
      loading = null
      throw error
    })
  return loading
}

/**
 * Completion for ":" and two or more characters in the composer, as `@` is for people
 * (useMentionCompletion): arrow keys move, Enter or Tab picks, Escape closes, never while
 * an IME composes. Picking puts the emoji itself in the field.
 */
export function useEmojiCompletion(text: Ref<string>) {
  return useCaretCompletion<ShortcodeOption>(text, {
    typed: typedShortcode,
    optionsFor: typed => (loaded.value ? matchShortcodes(loaded.value, typed) : []),
    complete: (before, option) => completeShortcode(before, option.emoji),
    onTyped: () => void loadShortcodes().catch(() => {}),
  })
}

/**
 * The words to send, with each known shortcode outside code turned into its emoji, or null
 * while the names are still to be fetched.
 */
export function shortcodesReplacedNow(content: string): string | null {
  if (!mayHoldShortcode(content)) return content
  return loaded.value ? replaceShortcodes(content, loaded.value) : null
}
