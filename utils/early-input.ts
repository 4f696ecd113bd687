/**
 * Early input: what a person does on a server-rendered page before Vue has hydrated it.
 * The page is on screen and its fields take typing (and password managers fill them)
 * long before the app's script runs on a slow device, and hydration then resets every
 * field to the component's state (Vue patches an `<input>`'s `value` while hydrating, and
 * `v-model`'s `mounted` writes it too), while a textarea or a checkbox keeps what the
 * person did but its model does not know it. Buttons have no handlers yet, and a native
 * submit would reload the page with the fields in the URL.
 *
 * Two pieces keep all of it, for every form at once (docs/ui.md, "Early input survives
 * hydration"):
 * - `EARLY_ACTIONS_GUARD`, an inline script in the page's `<head>` (nuxt.config.ts), holds
 *   every button press and form submit (Enter included) from the first paint on;
 * - `keepEarlyInput` (plugins/early-input.client.ts) notes, just before hydration, every
 *   field the person changed, then feeds each value back through the field's own `input`
 *   event once its component is hydrated (so `v-model` and Vuetify's validation see a
 *   person's input, not a program's), gives the focus and caret back, and replays the
 *   held presses and submits.
 */

import { nextTick } from 'vue'

/** Where the guard hands over what it held, once the app can act on it. */
export const EARLY_ACTIONS_RELEASE = '__parleyReleaseEarlyActions'

/** A button press or a form submit held until the page is interactive. */
export type EarlyAction
  = | { kind: 'press', target: HTMLElement }
    | { kind: 'submit', target: HTMLFormElement, submitter: HTMLElement | null }

/**
 * Runs in `<head>` before the body exists. A press on a button (and the click a browser
 * sends to a form's default button on Enter) or a submit is held: without a handler a
 * button does nothing, and a native submit would GET the page with the form in its query
 * string. Enter in a textarea marked `enterkeyhint="send"` (the composer) is its submit,
 * as it is once the page is interactive. A target held twice is replayed once.
 * Plain ES5 with no outside names: it is written into the page as it is.
 */
export const EARLY_ACTIONS_GUARD = `(function () {
  if (window.${EARLY_ACTIONS_RELEASE}) return
  var held = []
  function hold(event, action) {
    event.preventDefault()
    event.stopImmediatePropagation()
    for (var i = 0; i < held.length; i++) if (held[i].target === action.target) return
    held.push(action)
  }
  function onClick(event) {
    var button = event.target && event.target.closest ? event.target.closest('button, [role="button"]') : null
    if (button && !button.disabled) hold(event, { kind: 'press', target: button })
  }
  function onSubmit(event) {
    hold(event, { kind: 'submit', target: event.target, submitter: event.submitter || null })
  }
  function onKeydown(event) {
    var field = event.target
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || !field || !field.matches) return
    if (field.matches('textarea[enterkeyhint="send"]') && field.form) hold(event, { kind: 'submit', target: field.form, submitter: null })
  }
  document.addEventListener('click', onClick, true)
  document.addEventListener('submit', onSubmit, true)
  document.addEventListener('keydown', onKeydown, true)
  window.${EARLY_ACTIONS_RELEASE} = function () {
    document.removeEventListener('click', onClick, true)
    document.removeEventListener('submit', onSubmit, true)
    document.removeEventListener('keydown', onKeydown, true)
    var actions = held
    held = []
    return actions
  }
})()`

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement

interface KeptField {
  value: string
  checked: boolean
  /** The caret or selection, kept for the field that has the focus. */
  selection: { start: number, end: number, direction: 'forward' | 'backward' | 'none' } | null
  focused: boolean
}

const FIELDS = 'input, textarea, select'
const NOT_TYPED = new Set(['hidden', 'submit', 'button', 'reset', 'image', 'file'])

function isField(node: EventTarget | null): node is Field {
  return node instanceof HTMLInputElement ? !NOT_TYPED.has(node.type) : node instanceof HTMLTextAreaElement || node instanceof HTMLSelectElement
}

function isCheckable(field: Field): field is HTMLInputElement {
  return field instanceof HTMLInputElement && (field.type === 'checkbox' || field.type === 'radio')
}

/** True when the field differs from what the server rendered: the person changed it. */
function changedByPerson(field: Field): boolean {
  if (field instanceof HTMLSelectElement) return [...field.options].some(option => option.selected !== option.defaultSelected)
  if (isCheckable(field)) return field.checked !== field.defaultChecked
  return field.value !== field.defaultValue
}

function selectionOf(field: Field): KeptField['selection'] {
  try {
    if (field instanceof HTMLSelectElement || field.selectionStart === null || field.selectionEnd === null) return null
    return { start: field.selectionStart, end: field.selectionEnd, direction: field.selectionDirection ?? 'none' }
  }
  catch {
    // Types without a caret (email in some browsers, number) throw.
    return null
  }
}

function isSubmitterOf(form: HTMLFormElement, submitter: HTMLElement | null): submitter is HTMLButtonElement | HTMLInputElement {
  return (submitter instanceof HTMLButtonElement || submitter instanceof HTMLInputElement) && submitter.type === 'submit' && submitter.form === form
}

function fire(field: Field, type: string) {
  field.dispatchEvent(new Event(type, { bubbles: true }))
}

export interface EarlyInput {
  /** Notes every field the person changed so far (call right before hydration). */
  snapshot: () => void
  /** Gives each noted field its value back through its own events (call after each hydration pass). */
  restore: () => void
  /** Last restore: focus and caret back, held presses and submits replayed, listeners gone. */
  finish: () => Promise<void>
}

/**
 * Watches `root`'s fields from now until `finish`. Input that arrives between the snapshot
 * and the end of hydration (an async component still loading) is noted as it comes.
 */
export function keepEarlyInput(root: ParentNode, release: () => EarlyAction[] = () => []): EarlyInput {
  const kept = new Map<Field, KeptField>()

  function note(field: Field) {
    if (!kept.has(field) && !changedByPerson(field)) return
    const focused = field === document.activeElement
    kept.set(field, { value: field.value, checked: isCheckable(field) && field.checked, selection: focused ? selectionOf(field) : null, focused })
  }

  function onInput(event: Event) {
    if (isField(event.target)) note(event.target)
  }
  function onCaretMove() {
    const field = document.activeElement
    if (isField(field) && kept.has(field)) note(field)
  }
  const caretEvents = ['keyup', 'pointerup', 'select'] as const
  document.addEventListener('input', onInput, true)
  document.addEventListener('change', onInput, true)
  for (const type of caretEvents) document.addEventListener(type, onCaretMove, true)

  /** The field now in the page: the same element, or the one hydration put in its place. */
  function current(field: Field): Field | null {
    if (field.isConnected) return field
    const replacement = field.id ? document.getElementById(field.id) : null
    return isField(replacement) ? replacement : null
  }

  function restore() {
    for (const [noted, state] of kept) {
      const field = current(noted)
      if (!field) continue
      if (isCheckable(field)) {
        field.checked = state.checked
        // A radio tells its group from the one that is checked.
        if (field.type === 'checkbox' || state.checked) {
          fire(field, 'input')
          fire(field, 'change')
        }
        continue
      }
      if (field.value !== state.value) field.value = state.value
      // Through the field's own event: v-model (Vue's listener or Vuetify's) takes it,
      // and a hydrated field that kept its value (a textarea) tells its model too.
      fire(field, 'input')
      if (field instanceof HTMLSelectElement) fire(field, 'change')
      if (state.focused && state.selection && field === document.activeElement && !(field instanceof HTMLSelectElement)) {
        try {
          field.setSelectionRange(state.selection.start, state.selection.end, state.selection.direction)
        }
        catch {
          // no caret on this type
        }
      }
    }
  }

  async function finish() {
    restore()
    document.removeEventListener('input', onInput, true)
    document.removeEventListener('change', onInput, true)
    for (const type of caretEvents) document.removeEventListener(type, onCaretMove, true)
    // The focus is where the person put it, but the field's component did not see it
    // arrive: tell it, so it looks focused (Vuetify) and behaves so.
    let focused = document.activeElement
    const noted = [...kept].find(([, state]) => state.focused)?.[0]
    if (noted && !noted.isConnected) {
      const replacement = current(noted)
      replacement?.focus()
      focused = replacement
    }
    if (isField(focused) && root.contains(focused)) {
      focused.dispatchEvent(new FocusEvent('focus'))
      focused.dispatchEvent(new FocusEvent('focusin', { bubbles: true }))
    }
    kept.clear()
    // A model set by an input event reaches its field's props (and the field's rules) only
    // when the parent renders again: the form submits what the person sees after that.
    const actions = release()
    await nextTick()
    for (const action of actions) {
      if (!action.target.isConnected) continue
      if (action.kind === 'press') action.target.click()
      else action.target.requestSubmit(isSubmitterOf(action.target, action.submitter) ? action.submitter : undefined)
    }
  }

  return {
    snapshot() {
      for (const field of root.querySelectorAll<Field>(FIELDS)) {
        if (isField(field)) note(field)
      }
    },
    restore,
    finish,
  }
}
