import type { WatchSource } from 'vue'

/**
 * Gives the focus back, when `open` turns false, to what had it when `open` turned true:
 * the button or thumbnail that opened a viewer or a panel, as a dialog's activator would
 * have it. Without it the focus fell to the page's body and a keyboard or screen reader
 * user started again from the top (tests/e2e/attachments.spec.ts, chat-groups.spec.ts,
 * chat-messages.spec.ts).
 */
export function useReturnFocus(open: WatchSource<boolean>) {
  let opener: HTMLElement | null = null
  watch(open, (isOpen) => {
    if (!import.meta.client) return
    if (isOpen) {
      const active = document.activeElement
      opener = active instanceof HTMLElement && active !== document.body ? active : null
      return
    }
    const returnTo = opener
    opener = null
    // An opener that went away with what it acted on (a deleted message's actions button)
    // hands the focus to the page's content (the layout's focusable <main>, the skip link's
    // target), not to the body.
    if (returnTo) void nextTick(() => (returnTo.isConnected ? returnTo : document.querySelector<HTMLElement>('main[tabindex]'))?.focus())
  })
}
