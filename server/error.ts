import { sendApiError } from './utils/errors'

// Runs before Nuxt's own error handler (see nuxt.config.ts): API and WebSocket
// routes answer in the contract's error shape (server/utils/errors.ts); pages keep
// Nuxt's error page.
export default defineNitroErrorHandler((error, event) => {
  if (!event.path.startsWith('/api/') && event.path !== '/api' && !event.path.startsWith('/ws')) return
  return sendApiError(event, error)
})
