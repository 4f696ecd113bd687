import { defineStore } from 'pinia'

/**
 * The one re-authentication prompt (components/auth/ReauthDialog.vue). `useApi` asks it
 * when a request answers 403 `reauthentication_required`: the dialog opens, and `ask`
 * resolves true once the password (and code) proved it again, false when cancelled.
 * Requests failing at once share the one dialog.
 */
export const useReauthStore = defineStore('reauth', () => {
  const open = ref(false)
  let pending: Promise<boolean> | null = null
  let settle: ((proven: boolean) => void) | null = null

  function ask(): Promise<boolean> {
    pending ??= new Promise<boolean>((resolve) => {
      settle = resolve
      open.value = true
    })
    return pending
  }

  /** Closes the dialog and answers every waiting request; once per prompt. */
  function finish(proven: boolean): void {
    const resolve = settle
    pending = null
    settle = null
    open.value = false
    resolve?.(proven)
  }

  return { open, ask, finish }
})
