import type { Directive } from 'vue'

const TEXT_ENTRY = 'input, textarea, [contenteditable="true"]'

/**
 * `v-autofocus` (or `v-autofocus="condition"`): focuses the field's input once it is on
 * screen, as Vuetify's `autofocus` prop does (when it first intersects, a moment after a
 * dialog's enter transition began), with one difference: if the person has meanwhile put
 * the focus in another field, it stays there. Vuetify's prop takes the focus back whatever
 * happened, so on a slow device the first letters typed in the next field land in this one.
 */
function createAutofocus(isHydrating: () => boolean): Directive<HTMLElement, boolean | undefined> {
  return {
    mounted(el, binding) {
      if (binding.value === false) return
      // While the page hydrates, a focused field is one the person chose before it was
      // interactive (utils/early-input.ts): any text field focused then counts as moved on.
      const focusedAtMount = isHydrating() ? null : document.activeElement
      const observer = new IntersectionObserver((entries) => {
        if (!entries.some(entry => entry.isIntersecting)) return
        observer.disconnect()
        // Past the overlay's enter setup (VDialogTransition starts with visibility: hidden).
        setTimeout(() => {
          const target = el.matches('input, textarea') ? el : el.querySelector<HTMLElement>('input, textarea')
          const focused = document.activeElement
          const movedOn = focused !== focusedAtMount && focused !== target && !!focused?.matches(TEXT_ENTRY)
          if (target && !movedOn) target.focus()
        }, 50)
      })
      observer.observe(el)
    },
  }
}

export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.vueApp.directive('autofocus', createAutofocus(() => nuxtApp.isHydrating === true))
})

declare module 'vue' {
  interface GlobalDirectives {
    vAutofocus: Directive<HTMLElement, boolean | undefined>
  }
}
