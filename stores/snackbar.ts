import { defineStore } from 'pinia'
import type { ApiErrorBody } from '#shared/errors'

export type SnackbarColor = 'error' | 'success' | 'info' | 'warning'

/** A button beside the message; done (true), the message goes. */
export interface SnackbarAction {
  label: string
  run: () => boolean | Promise<boolean>
}

export interface SnackbarMessage {
  id: number
  message: string
  color: SnackbarColor
  timeout: number
  action?: SnackbarAction
  /** Called once the message has gone: closed, its action done, or cleared. */
  onClose?: () => void
}

/** The one queue of short messages for the person (errors above all), shown one at a time. */
export const useSnackbarStore = defineStore('snackbar', () => {
  const queue = ref<SnackbarMessage[]>([])
  let nextId = 1

  // A message shown until closed (timeout -1) steps aside for the short ones queued behind
  // it, which would otherwise wait unseen (an action's own failure among them), and is back
  // once they have gone.
  const current = computed(() => queue.value.find(entry => entry.timeout !== -1) ?? queue.value[0] ?? null)

  /** `timeout` -1: shown until the person closes it (or its action is done). */
  function notify(message: string, options: { color?: SnackbarColor, timeout?: number, action?: SnackbarAction, onClose?: () => void } = {}): void {
    // The same message twice in a row says nothing new, unless it carries its own action
    // (two not-sent notices of two chats named alike each copy their own words).
    if (!options.action && queue.value.at(-1)?.message === message) return
    queue.value.push({ id: nextId++, message, color: options.color ?? 'info', timeout: options.timeout ?? 5000, action: options.action, onClose: options.onClose })
  }

  /** The person pressed the message's action: once it is done the message goes. */
  async function act(id: number): Promise<void> {
    const action = queue.value.find(entry => entry.id === id)?.action
    if (action && await action.run()) dismiss(id)
  }

  function notifyError(error: unknown): ApiErrorBody {
    const body = toApiErrorBody(error)
    // A cancelled re-authentication is the person's choice, not news (utils/errors.ts).
    if (!isCancelled(error)) notify(describeApiError(body), { color: 'error', timeout: 7000 })
    return body
  }

  function dismiss(id: number): void {
    removeWhere(entry => entry.id === id)
  }

  function removeWhere(gone: (entry: SnackbarMessage) => boolean): void {
    const removed = queue.value.filter(gone)
    queue.value = queue.value.filter(entry => !gone(entry))
    for (const entry of removed) entry.onClose?.()
  }

  /**
   * The person tries again (useAction): what failed before is old news, shown or waiting,
   * and must not contradict what this try brings ("Wrong password" over "Two-factor is off").
   */
  function dismissErrors(): void {
    removeWhere(entry => entry.color === 'error')
  }

  return { queue, current, notify, notifyError, act, dismiss, dismissErrors }
})
