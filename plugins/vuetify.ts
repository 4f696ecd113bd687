import 'vuetify/styles'
import { createVuetify } from 'vuetify'

export default defineNuxtPlugin((nuxtApp) => {
  const vuetify = createVuetify({
    ssr: true,
    theme: {
      // Follows the operating system's light or dark preference.
      defaultTheme: 'system',
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
})
