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
  const query = ref<string | null>(null)
  const active = ref(0)
  const dismissed = ref(false)

  const options = computed<ShortcodeOption[]>(() => {
    if (query.value === null || dismissed.value || !loaded.value) return []
    return matchShortcodes(loaded.value, query.value)
  })

  watch(options, () => {
    active.value = 0
  })

  function update(textarea: HTMLTextAreaElement) {
    const before = textarea.value.slice(0, textarea.selectionStart)
    const next = textarea.selectionStart === textarea.selectionEnd ? typedShortcode(before) : null
    if (next !== query.value) dismissed.value = false
    query.value = next
    if (next !== null) void loadShortcodes().catch(() => {})
  }

  function pick(textarea: HTMLTextAreaElement, option: ShortcodeOption) {
    const caret = textarea.selectionStart
    const before = completeShortcode(textarea.value.slice(0, caret), option.emoji)
    text.value = before + textarea.value.slice(caret)
    query.value = null
    void nextTick(() => {
      textarea.focus()
      textarea.setSelectionRange(before.length, before.length)
    })
  }

  /** Handles the keys of an open list; true when the key was used. */
  function onKeydown(event: KeyboardEvent, textarea: HTMLTextAreaElement): boolean {
    const list = options.value
    if (list.length === 0 || event.isComposing) return false
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1
      active.value = (active.value + step + list.length) % list.length
    }
    else if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') pick(textarea, list[active.value]!)
    else if (event.key === 'Escape') dismissed.value = true
    else return false
    event.preventDefault()
    return true
  }

  return { options, active, update, pick, onKeydown }
}

/**
 * The words to send, with each known shortcode outside code turned into its emoji (the names
 * are fetched first if the words hold one; if they cannot be, the words go as typed).
 */
export async function withShortcodes(content: string): Promise<string> {
  if (!mayHoldShortcode(content)) return content
  const map = loaded.value ?? await loadShortcodes().catch(() => null)
  return map ? replaceShortcodes(content, map) : content
}

/** The same at once, or null while the names are still to be fetched. */
export function shortcodesReplacedNow(content: string): string | null {
  if (!mayHoldShortcode(content)) return content
  return loaded.value ? replaceShortcodes(content, loaded.value) : null
}
