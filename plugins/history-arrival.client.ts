/**
 * Tells composables/useHistoryEntryMemory.ts whether the navigation that just ended was the
 * browser's Back or Forward (a `popstate`, which comes before the router's navigation) or a
 * fresh one (a link, a push, a replace).
 */
export default defineNuxtPlugin(() => {
  let popped = false
  window.addEventListener('popstate', () => {
    popped = true
  })
  useRouter().afterEach(() => {
    markHistoryArrival(popped)
    popped = false
  })
})
