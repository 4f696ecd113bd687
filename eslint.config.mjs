// eslint 10 calls Object.groupBy, which Node 20 lacks.
import './scripts/lib/object-group-by.mjs'
import withNuxt from './.nuxt/eslint.config.mjs'

export default withNuxt({
  ignores: ['.data/**', '.output/**', 'scripts/ferretdb/**'],
})
