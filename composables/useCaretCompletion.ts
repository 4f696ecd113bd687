/** What a caret completion completes: the word typed, its options and how one is put in. */
export interface CaretWord<Option> {
  /** The word being typed at the end of `before` (the text up to the caret), or null for none. */
  typed: (before: string) => string | null
  /** The options for a typed word (read as the list renders, so it may follow loaded data). */
  optionsFor: (typed: string) => Option[]
  /** `before` with the typed word replaced by the option picked. */
  complete: (before: string, option: Option) => string
  /** Called as a word is typed: a fetch of what its options need. */
  onTyped?: (typed: string) => void
}

/**
 * A list offered at the caret while a word is typed in the composer (`@` for people:
 * useMentionCompletion; `:` for emoji: useEmojiCompletion): arrow keys move, Enter or Tab
 * picks, Escape closes it until the word changes, and no key is taken while an IME composes.
 */
export function useCaretCompletion<Option>(text: Ref<string>, word: CaretWord<Option>) {
  /** The word typed at the caret, or null when the caret is not in one. */
  const query = ref<string | null>(null)
  const active = ref(0)
  const dismissed = ref(false)

  const options = computed<Option[]>(() => (query.value === null || dismissed.value ? [] : word.optionsFor(query.value)))

  watch(options, () => {
    active.value = 0
  })

  /** Reads the word at the caret after each input or caret move. */
  function update(textarea: HTMLTextAreaElement) {
    const before = textarea.value.slice(0, textarea.selectionStart)
    const next = textarea.selectionStart === textarea.selectionEnd ? word.typed(before) : null
    if (next !== query.value) dismissed.value = false
    query.value = next
    if (next !== null) word.onTyped?.(next)
  }

  function pick(textarea: HTMLTextAreaElement, option: Option) {
    const caret = textarea.selectionStart
    const before = word.complete(textarea.value.slice(0, caret), option)
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

  return { query, options, active, update, pick, onKeydown }
}
