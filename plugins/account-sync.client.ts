// The browser's auth cookies are shared by its tabs, while the person a tab shows is its
// own (stores/auth.ts): a sign-in in one tab makes every other tab's requests act for that
// account. So a tab that signs in (or finds who is signed in) tells the others, and a tab
// showing someone else takes the browser's account, saying so, and starts again from
// Home: what it showed was the other person's. A tab with nobody signed in (the login page)
// stays: the person may be typing there, and a page moving away under a password being
// typed would send the keys elsewhere; signing in there, as whoever, makes the others
// follow. The server's refusal of a request for another account (409 `account_changed`)
// is what makes it safe; this only makes it early (docs/ui.md, "One account per browser").
export default defineNuxtPlugin((nuxtApp) => {
  const auth = useAuthStore()
  const router = useRouter()
  const snackbar = useSnackbarStore()

  auth.setFollowedHandler((from, to) => {
    void nuxtApp.runWithContext(() => {
      const route = router.currentRoute.value
      if (!to) return navigateTo(loginAfterSessionEnd(route.fullPath, 'signed-out', snackbar), { replace: true })
      snackbar.notify(signedInElsewhereText(isolate(to.displayName)))
      if (from) return navigateTo('/', { replace: true })
    })
  })

  if (typeof BroadcastChannel === 'undefined') return
  const channel = new BroadcastChannel('parley:account')
  channel.onmessage = (event: MessageEvent<{ userId?: unknown }>) => {
    // Only a hint to ask the server who the cookies sign in: a tab trusts no other tab's word.
    if (auth.user && event.data?.userId !== auth.user.id) void auth.followBrowserAccount()
  }
  watch(() => auth.user?.id, (userId) => {
    if (userId) channel.postMessage({ userId })
  })
})
