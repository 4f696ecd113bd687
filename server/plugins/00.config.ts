import { resolveMongoUri } from '../utils/database'

// Production never falls back to a development default: refuse to boot instead.
export default defineNitroPlugin(() => {
  if (import.meta.dev || process.env.PARLEY_ALLOW_INSECURE_BOOT === '1') return
  const config = useRuntimeConfig()
  const missing = [
    !config.jwtSecret && 'NUXT_JWT_SECRET',
    !resolveMongoUri(config.mongodbUri) && 'NUXT_MONGODB_URI',
  ].filter(Boolean)
  if (missing.length > 0) {
    console.error(`[parley] Refusing to start in production: set ${missing.join(' and ')}.`)
    process.exit(1)
  }
})
