import type { Ref } from 'vue'
import type { z, ZodType } from 'zod'

/** A field of a `<v-form>`, as the form lists it (its `items`): its check, and the component. */
interface FormFieldHandle {
  id: number | string
  validate: () => Promise<string[]>
  vm: { proxy: { $el?: unknown } | null }
}

/** What the forms need of Vuetify's `<v-form>`. */
export interface FormHandle {
  validate: () => Promise<{ valid: boolean, errors: { id: number | string }[] }>
  reset: () => void
  items?: FormFieldHandle[]
  $el?: unknown
}

export interface SubmitOptions<T> {
  /** Tells a failure next to the field it concerns instead of the snackbar. */
  onError?: (error: unknown) => void
  /** A success after which the form stays locked (it leaves the page: signed in). */
  lockedAfter?: (result: T) => boolean
}

export interface FormSubmit {
  /** Bound with `ref="form"` on the `<v-form>`. */
  form: Ref<FormHandle | null>
  submitting: ComputedRef<boolean>
  submit: () => Promise<void>
}

/**
 * The submit of a form: bind the returned `form` with `ref="form"` on the `<v-form>`.
 * `submit` checks the fields' rules first, then runs the task as a `useAction`
 * (`submitting` for the button's spinner, a failure in the snackbar unless `onError`
 * tells it next to the field it concerns). Without a bound form it runs straight away.
 * A submit while one is in flight is ignored, and after a success that leaves the page
 * (`lockedAfter`) every later one (tests/e2e/accounts.spec.ts, "Enter pressed twice...").
 * Given a shared schema and the form's values, the task gets them as the schema reads them
 * (`parseInput`: typed, trimmed), the very body the server checks with the same schema.
 */
export function useFormSubmit<T>(task: () => Promise<T>, options?: SubmitOptions<T>): FormSubmit
export function useFormSubmit<S extends ZodType, T>(schema: S, values: () => z.input<S>, task: (input: z.output<S>) => Promise<T>, options?: SubmitOptions<T>): FormSubmit
export function useFormSubmit<T>(...args: unknown[]): FormSubmit {
  const { task, options } = submitTask<T>(args)
  const form = ref<FormHandle | null>(null)
  const action = useAction(task, options)
  const typedIn = useFieldChecksAsTyped(form)

  // Enter pressed twice (or Enter and a click) while the first submit is on its way is one
  // submit: a second login made a second session, a second two-factor code a failure
  // after the success. Set before the first await, where `busy` is not yet.
  // A success that takes the person elsewhere (`lockedAfter`: signed in) keeps the form
  // locked: on a slow device a second Enter came after the first answer, before the page
  // changed, and signed in again.
  let inFlight = false
  async function submit() {
    if (inFlight) return
    inFlight = true
    let locked = false
    try {
      if (form.value) {
        const checked = await form.value.validate()
        if (!checked.valid) {
          focusField(form.value, checked.errors[0]?.id)
          return
        }
      }
      const result = await action.run()
      // A form emptied after its success (a changed password) starts untouched again.
      if (result !== undefined) typedIn.clear()
      locked = result !== undefined && !!options.lockedAfter?.(result)
    }
    finally {
      inFlight = locked
    }
  }

  return { form, submitting: action.busy, submit }
}

function fieldElement(field: FormFieldHandle): Element | null {
  const element = field.vm.proxy?.$el
  return element instanceof Element ? element : null
}

/** The field told wrong first takes the focus: the person reads its error and mends it there. */
function focusField(form: FormHandle, id: number | string | undefined) {
  const field = form.items?.find(item => item.id === id)
  const input = field && fieldElement(field)?.querySelector<HTMLElement>('input, textarea')
  input?.focus()
}

/**
 * When a field's rules are checked. The forms' Vuetify default is `validate-on="submit"`
 * (plugins/vuetify.ts), so a field the person has not typed in is told nothing until the
 * submit: Vuetify's own modes all check on blur, and an empty field the app focused by
 * itself turned red as soon as the person looked elsewhere. A field the person typed in is
 * checked as they type and when they leave it, as Vuetify's "input" mode did
 * (tests/e2e/form-validation-timing.spec.ts). Returns the set of fields typed in.
 */
function useFieldChecksAsTyped(form: Ref<FormHandle | null>) {
  let typed = new WeakSet<object>()
  const fieldAt = (target: EventTarget | null) => (target instanceof Node
    ? form.value?.items?.find(item => fieldElement(item)?.contains(target))
    : undefined)

  async function onInput(event: Event) {
    const field = fieldAt(event.target)
    if (!field) return
    typed.add(field.vm)
    // The model reaches the field on the next render.
    await nextTick()
    void field.validate()
  }
  function onFocusOut(event: Event) {
    const field = fieldAt(event.target)
    if (field && typed.has(field.vm)) void field.validate()
  }

  watch(() => form.value?.$el, (element, _, onCleanup) => {
    if (import.meta.server || !(element instanceof Element)) return
    element.addEventListener('input', onInput)
    element.addEventListener('focusout', onFocusOut)
    onCleanup(() => {
      element.removeEventListener('input', onInput)
      element.removeEventListener('focusout', onFocusOut)
    })
  }, { immediate: true })

  return {
    clear: () => {
      typed = new WeakSet()
    },
  }
}

function submitTask<T>(args: unknown[]): { task: () => Promise<T>, options: SubmitOptions<T> } {
  if (typeof args[0] === 'function') {
    const [task, options] = args as [() => Promise<T>, SubmitOptions<T>?]
    return { task, options: options ?? {} }
  }
  const [schema, values, task, options] = args as [ZodType, () => unknown, (input: unknown) => Promise<T>, SubmitOptions<T>?]
  return { task: () => task(parseInput(schema, values())), options: options ?? {} }
}
