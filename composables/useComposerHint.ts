import { useResizeObserver } from '@vueuse/core'
import type { MaybeRefOrGetter, Ref } from 'vue'

const FORMATTING_HINT = '**bold**  _italic_  ~~strike~~  `code`  ```code block```  > quote · Shift+Enter: new line'
const NEW_LINE_HINT = 'Shift+Enter: new line'
/** The field's width (CSS px) each hint needs to stay on one line, with room to spare. */
const FORMATTING_HINT_WIDTH = 640
const NEW_LINE_HINT_WIDTH = 180

/**
 * The hint under the composer's field (shown while it has the focus): the whole formatting
 * hint where it fits on one line, "Shift+Enter: new line" alone where only that fits, and
 * none on a narrower field. Wrapped, the whole hint took eight lines at 400 % zoom (320 CSS
 * px) and left the conversation a 16 px strip. A touch keyboard has no Shift+Enter: no hint.
 * The width is 0 until mounted, so the server's markup has no hint (the focus that shows it
 * comes in the browser anyway).
 */
export function useComposerHint(field: MaybeRefOrGetter<HTMLElement | null | undefined>, touchTyping: Ref<boolean>) {
  const width = ref(0)
  useResizeObserver(() => toValue(field), ([entry]) => {
    width.value = entry?.contentRect.width ?? 0
  })
  return computed(() => {
    if (touchTyping.value) return undefined
    if (width.value >= FORMATTING_HINT_WIDTH) return FORMATTING_HINT
    return width.value >= NEW_LINE_HINT_WIDTH ? NEW_LINE_HINT : undefined
  })
}
