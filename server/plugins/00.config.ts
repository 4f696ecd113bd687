import { describeConfigError, loadServerConfig } from '../utils/config'
import { logger } from '../utils/logger'

// The configuration is read and validated once, before every other plugin: a bad value
// stops the boot with the variable's name, never the value (an SMTP or database URL holds
// a password; docs/deploy.md, "Refusing to start"). Production never falls back to a
// development default either: without a JWT secret or a database it refuses to boot, and
// loadServerConfig refuses a short secret or an app URL that is no http(s) origin.
export default defineNitroPlugin((nitroApp) => {
  let config
  try {
    config = loadServerConfig(useRuntimeConfig())
  }
  catch (error) {
    console.error(`[parley] Refusing to start: ${describeConfigError(error)}`)
    process.exit(1)
  }
  if (config.attachments.storage === 's3' && !config.s3.bucket) {
    console.error('[parley] Refusing to start: NUXT_ATTACHMENTS_STORAGE is s3 but NUXT_S3_BUCKET is not set.')
    process.exit(1)
  }
  // The pages learn who may come in from the public runtime config (login and register hide
  // what the server would refuse); the server's own settings are the only source. The shared
  // config is frozen, so each page's own copy (the one its HTML carries) is set; the API's
  // requests and the files (`/emoji/data.json`, icons) never read it and make no copy.
  const whoMayComeIn = { guests: config.guests, signups: config.signups }
  nitroApp.hooks.hook('request', (event) => {
    const path = event.path.split('?')[0]!
    if (path.startsWith('/api/') || path.startsWith('/_nuxt/') || /\.[a-z0-9]+$/i.test(path)) return
    Object.assign(useRuntimeConfig(event).public, whoMayComeIn)
  })
  if (!import.meta.dev && !config.allowInsecureBoot) {
    const missing = [
      !config.jwtSecret && 'NUXT_JWT_SECRET',
      !config.mongodbUri && 'NUXT_MONGODB_URI',
    ].filter(Boolean)
    if (missing.length > 0) {
      console.error(`[parley] Refusing to start in production: set ${missing.join(' and ')}.`)
      process.exit(1)
    }
  }
  // Which build is running: what a person upgrading or reporting a bug needs. After the
  // checks, so a refusal stays the one line it is (tests/api/production.test.ts).
  logger.info('starting', { version: config.build.version, commit: config.build.commit })
})
