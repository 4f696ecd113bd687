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
 */
export function useFormSubmit(task: () => Promise<unknown>, options: { onError?: (error: unknown) => void } = {}) {
  const form = ref<FormHandle | null>(null)
  const action = useAction(task, options)

  async function submit() {
    if (form.value && !(await form.value.validate()).valid) return
    await action.run()
  }

  return { form, submitting: action.busy, submit }
}
