/**
 * The words of a page's search, kept in its address as `?q=` (the channel and people
 * directories): Back from a result, a reload and a shared link show the same search. Typing
 * replaces the address (no history entry per key); an emptied field takes `q` out of it.
 * Proven by tests/e2e/directory-search.spec.ts.
 */
export function useSearchInAddress(): Ref<string | null> {
  const route = useRoute()
  const router = useRouter()
  // The page's own path: the address is only ever written, or read back, on this page.
  const path = route.path
  const inAddress = () => {
    const q = route.query.q
    return ((Array.isArray(q) ? q[0] : q) ?? '').trim()
  }
  // Vuetify's clear button sets the field to null.
  const words = ref<string | null>(inAddress())
  /** The words last put in the address (or read from it): a route that says them is ours. */
  let written = inAddress()

  // Synchronous, so the replace starts with the key: Vue Router cancels an earlier replace
  // that has not finished, and an older letter never lands in the address after a newer one.
  watch(words, (value) => {
    const q = value?.trim() ?? ''
    if (q === written) return
    written = q
    const query = { ...route.query }
    if (q) query.q = q
    else delete query.q
    void router.replace({ path, query, hash: route.hash })
  }, { flush: 'sync' })

  // Only a navigation the field did not make (a Back between two searches of this page, a link
  // to it) changes the field: the replaces of what is being typed are never read back into it.
  watch(inAddress, (q) => {
    if (route.path !== path || q === written) return
    written = q
    words.value = q
  })

  return words
}
