/** What the forms need of Vuetify's `<v-form>`. */
export interface FormHandle {
  validate: () => Promise<{ valid: boolean }>
  reset: () => void
}

/**
 * The submit of a form: bind the returned `form` with `ref="form"` on the `<v-form>`.
 * `submit` checks the fields' rules first, marks the form `submitting` while the task
 * runs (for the button's spinner), and tells the person about a failure in the snackbar.
 * Without a bound form (a plain action button) it runs the task straight away.
 * `onError` tells a failure some other way (next to the field it concerns).
 */
export function useFormSubmit(task: () => Promise<unknown>, options: { onError?: (error: unknown) => void } = {}) {
  const snackbar = useSnackbarStore()
  const form = ref<FormHandle | null>(null)
  const submitting = ref(false)

  async function submit() {
    if (form.value && !(await form.value.validate()).valid) return
    submitting.value = true
    try {
      await task()
    }
    catch (error) {
      if (options.onError) options.onError(error)
      else snackbar.notifyError(error)
    }
    finally {
      submitting.value = false
    }
  }

  return { form, submitting, submit }
}
