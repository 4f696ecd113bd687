// Comfort only: sends signed-out visitors of app pages to /login (the server enforces
// every rule on its own). Pages opt out with `definePageMeta({ auth: false })`; signed-in
// people who open a `guestOnly` page (login, register) go to the app, and those the server
// requires two-factor of stay on its setup page until it is on (docs/security.md).
export default defineNuxtRouteMiddleware(async (to) => {
  // Unknown pages get their 404, signed in or not.
  if (to.matched.length === 0) return
  // The first client run repeats the server's decision; restoring then would change the
  // page under hydration (plugins/auth.ts restores once the app is mounted).
  if (import.meta.client && useNuxtApp().isHydrating) return
  const auth = useAuthStore()
  if (import.meta.client && !auth.user) await auth.restore()
  // The server requires two-factor and this account has none: the setup page, and only it.
  if (auth.user?.twoFactorSetupRequired) return to.path === TWO_FACTOR_SETUP_PATH ? undefined : navigateTo(TWO_FACTOR_SETUP_PATH)
  if (to.meta.guestOnly && auth.user) return navigateTo(appPathFrom(to.query.redirect))
  if (to.meta.auth === false || auth.user) return
  // During SSR an expired access cookie looks signed out, but the refresh cookie (which
  // only travels to /api/auth) may still be good: let the client decide.
  if (import.meta.server && auth.mayHaveSession) return
  return navigateTo(loginAfterSessionEnd(to.fullPath, auth.endReason, useSnackbarStore()))
})
