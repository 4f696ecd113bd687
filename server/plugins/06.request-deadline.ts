import { DEFAULT_ERROR_MESSAGES } from '#shared/errors'
import { logger } from '../utils/logger'
import { resilienceSettings } from '../utils/resilience'
import { UPLOAD_PATH } from '../utils/upload-body'

// Every API request answers: one the database (or anything else) holds up past its
// deadline gets 503 `unavailable` with Retry-After instead of silence (docs/guarantees.md).
// Writes get the services' deadline plus a second (so a send's own `unavailable` wins);
// reads, which may scan (search, directories), three times it. Whatever the handler
// does later is not sent (h3 sees the response is already handled).
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('request', (event) => {
    if (!event.path.startsWith('/api/')) return
    // An upload takes as long as its bytes take to arrive, as long as they keep coming (00.connections.ts).
    if (event.method === 'POST' && UPLOAD_PATH.test(event.path)) return
    const base = resilienceSettings().requestDeadlineMs
    const ms = event.method === 'GET' || event.method === 'HEAD' ? base * 3 : base + 1_000
    const response = event.node.res
    const timer = setTimeout(() => {
      if (response.headersSent || response.writableEnded) return
      logger.warn('request deadline passed', { method: event.method, route: event.path.split('?')[0], ms })
      response.statusCode = 503
      response.setHeader('content-type', 'application/json')
      response.setHeader('cache-control', 'no-store')
      response.setHeader('retry-after', '2')
      response.end(JSON.stringify({ statusCode: 503, message: DEFAULT_ERROR_MESSAGES.unavailable, data: { code: 'unavailable' } }))
    }, ms)
    timer.unref()
    response.once('close', () => clearTimeout(timer))
  })
})
