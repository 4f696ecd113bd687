import { send, setResponseHeader, setResponseStatus } from 'h3'
import { toApiError } from './utils/errors'
import { errorName, logger } from './utils/logger'

// Runs before Nuxt's own error handler (see nuxt.config.ts): API and WebSocket
// routes answer in the contract's error shape; pages keep Nuxt's error page.
export default defineNitroErrorHandler((error, event) => {
  if (!event.path.startsWith('/api/') && event.path !== '/api' && !event.path.startsWith('/ws')) return
  const { body, retryAfter } = toApiError(error)
  if (body.statusCode >= 500) {
    logger.error('request failed', { requestId: event.context.requestId, method: event.method, route: event.path.split('?')[0], error: errorName(error.cause ?? error) })
  }
  setResponseStatus(event, body.statusCode)
  setResponseHeader(event, 'content-type', 'application/json')
  setResponseHeader(event, 'cache-control', 'no-store')
  if (retryAfter !== undefined) setResponseHeader(event, 'retry-after', retryAfter)
  return send(event, JSON.stringify(body))
})
