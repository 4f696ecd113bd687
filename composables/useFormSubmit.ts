/** What the forms need of Vuetify's `<v-form>`. */
export interface FormHandle {
  validate: () => Promise<{ valid: boolean }>
  reset: () => void
}

/**
 * The submit of a form: bind the returned `form` with `ref="form"` on the `<v-form>`.
 * `submit` checks the fields' rules first, then runs the task as a `useAction`
 * (`submitting` for the button's spinner, a failure in the snackbar unless `onError`
 * tells it next to the field it concerns). Without a bound form it runs straight away.
 * A submit while one is in flight is ignored, and after a success that leaves the page
 * (`lockedAfter`) every later one (tests/e2e/accounts.spec.ts, "Enter pressed twice...").
 */
export function useFormSubmit<T>(task: () => Promise<T>, options: { onError?: (error: unknown) => void, lockedAfter?: (result: T) => boolean } = {}) {
  const form = ref<FormHandle | null>(null)
  const action = useAction(task, options)

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
      if (form.value && !(await form.value.validate()).valid) return
      const result = await action.run()
      locked = result !== undefined && !!options.lockedAfter?.(result)
    }
    finally {
      inFlight = locked
    }
  }

  return { form, submitting: action.busy, submit }
}
