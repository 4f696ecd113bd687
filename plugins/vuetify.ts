import 'vuetify/styles'
import { createVuetify } from 'vuetify'

/** The theme the operating system asked for on this browser's last visit. */
const THEME_COOKIE = 'parley-theme'

export default defineNuxtPlugin((nuxtApp) => {
  // The server cannot see the visitor's preference (`prefers-color-scheme` lives in the
  // browser), so it renders the theme the browser last resolved, which a cookie brings back:
  // a person on a dark system sees the page dark from its first paint from their second
  // visit on, not light and then dark on every load. The first visit renders light. The
  // page hydrates in the same theme (the same cookie), then follows the operating system
  // (below): a theme that differed during hydration would leave the server's classes on
  // the page.
  const lastTheme = useCookie<string | undefined>(THEME_COOKIE, { sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 })
  const vuetify = createVuetify({
    ssr: true,
    theme: {
      defaultTheme: lastTheme.value === 'dark' ? 'dark' : 'light',
      themes: {
        // success: green 800, so white text on it (the snackbar) has 5:1, where Vuetify's green 500 had 2.8:1.
        light: { colors: { primary: '#3949AB', secondary: '#00897B', success: '#2E7D32' } },
        // Light colours on a dark page take dark text: white on these is about 2:1, where
        // text needs 4.5:1 (WCAG AA); Vuetify's own pick is white (tests/e2e/theme.spec.ts).
        dark: { colors: { 'primary': '#9FA8DA', 'on-primary': '#1A237E', 'secondary': '#80CBC4', 'on-secondary': '#004D40' } },
      },
    },
    defaults: {
      // A field is checked once the person typed in it, or on submit: not when an untouched
      // field the app focused is left (composables/useFormSubmit.ts, useFieldChecksAsTyped).
      VForm: { validateOn: 'submit' },
      VTextField: { variant: 'outlined', density: 'comfortable' },
      VBtn: { variant: 'flat' },
    },
  })
  nuxtApp.vueApp.use(vuetify)
  // After hydration has finished (the root Suspense resolved), not merely after mount.
  nuxtApp.hooks.hookOnce('app:suspense:resolve', () => {
    vuetify.theme.global.name.value = 'system'
    watch(() => vuetify.theme.global.current.value.dark, (dark) => {
      lastTheme.value = dark ? 'dark' : 'light'
    }, { immediate: true })
  })
})
