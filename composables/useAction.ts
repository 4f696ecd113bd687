/** Undoes an optimistic change. */
export type Rollback = () => void

/**
 * Runs `request` after an optimistic change: `change` alters the state at once and
 * returns how to undo it, which happens when the request fails (the error is rethrown).
 * The stores' optimistic edits (renames, roles, messages, reactions) and `useAction`'s
 * `optimistic` option share it.
 */
export async function withRollback<T>(change: () => Rollback | undefined, request: () => Promise<T>): Promise<T> {
  const rollback = change()
  try {
    return await request()
  }
  catch (error) {
    rollback?.()
    throw error
  }
}

export interface ActionOptions<Args extends unknown[]> {
  /** An optimistic change made before the task runs; the returned function undoes it on failure. */
  optimistic?: (...args: Args) => Rollback
  /** Tells a failure some other way (in a dialog, next to a field) instead of the snackbar. */
  onError?: (error: unknown) => void
}

/**
 * Something the person set off (a button, a form, a menu item): `busy` while it runs,
 * `busyWith` the first argument of the run in progress (a row's spinner), an optional
 * optimistic change rolled back on failure, and the failure told in the snackbar queue
 * (`notifyError`) unless `onError` tells it elsewhere (a cancelled re-authentication is no
 * failure and is not told); a new run clears the failures the
 * snackbar still shows or holds, so an old one never contradicts what follows. `run`
 * never throws: it resolves to the task's result, or undefined when it failed.
 * Proven by tests/components/use-action.test.ts.
 */
export function useAction<Args extends unknown[], T>(task: (...args: Args) => Promise<T>, options: ActionOptions<Args> = {}) {
  const snackbar = useSnackbarStore()
  const running = ref(0)
  const busy = computed(() => running.value > 0)
  const busyWith = shallowRef<Args[0] | null>(null)

  async function run(...args: Args): Promise<T | undefined> {
    snackbar.dismissErrors()
    running.value++
    busyWith.value = args[0] ?? null
    try {
      return await withRollback(() => options.optimistic?.(...args), () => task(...args))
    }
    catch (error) {
      // Cancelling the re-authentication is the person's choice: nothing failed.
      if (isCancelled(error)) return undefined
      if (options.onError) options.onError(error)
      else snackbar.notifyError(error)
      return undefined
    }
    finally {
      running.value--
      if (running.value === 0) busyWith.value = null
    }
  }

  return { busy, busyWith, run }
}
