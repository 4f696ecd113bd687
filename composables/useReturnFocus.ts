import type { WatchSource } from 'vue'

/**
 * Gives the focus back, when `open` turns false, to what had it when `open` turned true:
 * the button or thumbnail that opened a viewer or a panel, as a dialog's activator would
 * have it. Without it the focus fell to the page's body and a keyboard or screen reader
 * user started again from the top (tests/e2e/attachments.spec.ts, chat-groups.spec.ts,
 * chat-messages.spec.ts). `fallback` names where the focus goes when that opener went away
 * with what it acted on (a removed passkey's Remove button: the next one, tests/e2e/passkeys.spec.ts).
 * Opened from a menu's item, the opener is the menu's button, as WAI-ARIA's menu button has
 * it: the item goes away with the menu (tests/e2e/menu-focus.spec.ts).
 */
export function useReturnFocus(open: WatchSource<boolean>, fallback?: () => HTMLElement | null | undefined) {
  let opener: HTMLElement | null = null
  watch(open, (isOpen) => {
    if (!import.meta.client) return
    if (isOpen) {
      const active = document.activeElement
      opener = active instanceof HTMLElement && active !== document.body ? menuButtonOf(active) ?? active : null
      return
    }
    const returnTo = opener
    opener = null
    // An opener that went away with what it acted on (a deleted message's actions button)
    // hands the focus to what the caller says comes next, else to the page's content (the
    // layout's focusable <main>, the skip link's target), not to the body.
    if (returnTo) void nextTick(() => (returnTo.isConnected ? returnTo : fallback?.() ?? document.querySelector<HTMLElement>('main[tabindex]'))?.focus())
  })
}

/**
 * The button of the menu that holds `element` (a menu item), found by its `aria-controls`
 * naming the menu's overlay (Vuetify's menu activator). Null outside a menu.
 */
function menuButtonOf(element: HTMLElement): HTMLElement | null {
  if (!element.closest('[role="menu"]')) return null
  for (let node = element.parentElement; node; node = node.parentElement) {
    const button = node.id ? document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(node.id)}"]`) : null
    if (button) return button
  }
  return null
}
