import { joinURL } from 'ufo'

/** The pages a signed-in person moves between; any id stands for a chat's page. */
const SIGNED_IN_PAGES = ['/', '/chats/0', '/channels', '/people', '/settings']

/**
 * Each page's code is a chunk of its own, fetched the first time the page opens. Without
 * a connection that fetch fails, and Nuxt's answer (reload the app at the page) put the
 * browser's offline page where the app was. In its place (`emitRouteChunkError: 'manual'`
 * in nuxt.config.ts):
 * - once the app is idle after a sign-in, the code of the pages a signed-in person uses is
 *   loaded ahead, so they open offline later;
 * - a page whose code cannot be fetched while offline (or while the live connection is
 *   down) is not opened: the person stays where they were and is told why;
 * - online, a chunk that fails is one a new deployment replaced: the app reloads at the
 *   page, as Nuxt does (and after a new build's manifest, on the next navigation).
 * Proven by tests/e2e/chat-offline.spec.ts.
 */
export default defineNuxtPlugin((nuxtApp) => {
  const router = useRouter()
  const config = useRuntimeConfig()
  const auth = useAuthStore()
  const snackbar = useSnackbarStore()

  const chunkErrors = new Set<unknown>()
  router.beforeEach(() => chunkErrors.clear())
  nuxtApp.hook('app:chunkError', ({ error }) => {
    chunkErrors.add(error)
  })

  const reloadAt = (path: string) => reloadNuxtApp({ path: joinURL(config.app.baseURL, path), persistState: true })
  nuxtApp.hook('app:manifest:update', () => {
    router.beforeResolve(to => reloadAt(to.fullPath))
  })

  router.onError((error, to) => {
    if (!chunkErrors.has(error)) return
    const offline = !navigator.onLine || (auth.user !== null && useRealtime().status.value !== 'open')
    if (!offline) return reloadAt(to.fullPath)
    snackbar.notify('This page cannot open without a connection yet. Try again once you are back online.', { color: 'error', timeout: 7000 })
  })

  onNuxtReady(() => {
    watch(() => auth.user?.id, (userId) => {
      if (!userId) return
      const pages = auth.user?.role === 'admin' ? [...SIGNED_IN_PAGES, '/admin/users'] : SIGNED_IN_PAGES
      for (const page of pages) void preloadRouteComponents(page).catch(() => {})
    }, { immediate: true })
  })
})
