// Who is signed in. During SSR: loaded from the forwarded cookies before the render. In
// the browser: after hydration (so the first render matches the server's), the store gets
// an access token of its own with the refresh cookie, or restores a session whose access
// token had expired; if that fails on an app page, the person goes to /login.
export default defineNuxtPlugin(async (nuxtApp) => {
  const auth = useAuthStore()
  if (import.meta.server) {
    auth.mayHaveSession = /(?:^|;\s*)chat_access=/.test(useRequestHeaders(['cookie']).cookie ?? '')
    if (auth.mayHaveSession) await auth.fetchMe()
    return
  }
  const router = useRouter()
  nuxtApp.hook('app:mounted', async () => {
    await auth.restore()
    const route = router.currentRoute.value
    if (auth.user || route.matched.length === 0 || route.meta.auth === false) return
    await nuxtApp.runWithContext(() => navigateTo(loginAfterSessionEnd(route.fullPath, auth.endReason, useSnackbarStore())))
  })
})
