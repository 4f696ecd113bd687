/**
 * A confirmation about one thing (a member to remove, a user to ban, a passkey), for an
 * `<AppConfirmDialog>`: `ask` names the thing and opens the dialog (bind `open` to its
 * v-model, `confirm` to its action), and `subject` stays named while the dialog closes.
 */
export function useConfirmation<T>(act: (subject: T) => Promise<unknown>) {
  const subject = shallowRef<T | null>(null)
  const open = ref(false)

  function ask(next: T) {
    subject.value = next
    open.value = true
  }

  async function confirm() {
    if (subject.value !== null) await act(subject.value)
  }

  return { subject, open, ask, confirm }
}
