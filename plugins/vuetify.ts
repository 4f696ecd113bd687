import 'vuetify/styles'
import { createVuetify } from 'vuetify'

export default defineNuxtPlugin((nuxtApp) => {
  const vuetify = createVuetify({
    ssr: true,
    theme: {
      // The server cannot know the visitor's preference, so the page renders and hydrates
      // light, then follows the operating system (below): a theme that differed during
      // hydration would leave the server's classes on the page.
      defaultTheme: 'light',
      themes: {
        light: { colors: { primary: '#3949AB', secondary: '#00897B' } },
        dark: { colors: { primary: '#9FA8DA', secondary: '#80CBC4' } },
      },
    },
    defaults: {
      VTextField: { variant: 'outlined', density: 'comfortable' },
      VBtn: { variant: 'flat' },
    },
  })
  nuxtApp.vueApp.use(vuetify)
  // After hydration has finished (the root Suspense resolved), not merely after mount.
  nuxtApp.hook('app:suspense:resolve', () => {
    vuetify.theme.global.name.value = 'system'
  })
})
