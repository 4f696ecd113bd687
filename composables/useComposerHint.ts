import { useEventListener, useResizeObserver } from '@vueuse/core'
import type { MaybeRefOrGetter, Ref } from 'vue'

const FORMATTING_HINT = '**bold**  _italic_  ~~strike~~  `code`  ```code block```  > quote · Shift+Enter: new line'
const NEW_LINE_HINT = 'Shift+Enter: new line'

/**
 * The widths (CSS px) each hint takes on one line under this field, laid out as Vuetify lays
 * out the field's hint (its class: font, letter spacing, inset), so that the font the browser
 * really uses, a larger default font size or a fallback font are counted. Fixed cut-offs
 * (640 and 180 px) hid the whole hint on fields of 570 to 640 px where it fits, and the short
 * one on a 170 px field.
 */
function hintWidths(field: HTMLElement) {
  const line = document.createElement('div')
  line.className = 'v-input__details'
  line.setAttribute('aria-hidden', 'true')
  line.style.cssText = 'position: absolute; visibility: hidden; white-space: nowrap; width: max-content'
  const messages = line.appendChild(document.createElement('div'))
  messages.className = 'v-messages'
  const message = messages.appendChild(document.createElement('div'))
  message.className = 'v-messages__message'
  field.append(line)
  const widthOf = (text: string) => {
    message.textContent = text
    return Math.ceil(line.getBoundingClientRect().width)
  }
  try {
    return { formatting: widthOf(FORMATTING_HINT), newLine: widthOf(NEW_LINE_HINT) }
  }
  finally {
    line.remove()
  }
}

/**
 * The hint under the composer's field (shown while it has the focus): the whole formatting
 * hint where it fits on one line, "Shift+Enter: new line" alone where only that fits, and
 * none on a narrower field. Wrapped, the whole hint took eight lines at 400 % zoom (320 CSS
 * px) and left the conversation a 16 px strip. A touch keyboard has no Shift+Enter: no hint.
 * The width is 0 until mounted, so the server's markup has no hint (the focus that shows it
 * comes in the browser anyway).
 */
export function useComposerHint(field: MaybeRefOrGetter<HTMLElement | null | undefined>, touchTyping: Ref<boolean>) {
  const room = ref(0)
  const needs = ref({ formatting: Number.POSITIVE_INFINITY, newLine: Number.POSITIVE_INFINITY })
  function measure() {
    const element = toValue(field)
    if (element) needs.value = hintWidths(element)
  }
  useResizeObserver(() => toValue(field), ([entry]) => {
    room.value = entry?.contentRect.width ?? 0
    measure()
  })
  // A web font arriving after the first measure changes the text's width, not the field's.
  if (import.meta.client) useEventListener(document.fonts, 'loadingdone', measure)
  return computed(() => {
    if (touchTyping.value) return undefined
    if (needs.value.formatting <= room.value) return FORMATTING_HINT
    return needs.value.newLine <= room.value ? NEW_LINE_HINT : undefined
  })
}
