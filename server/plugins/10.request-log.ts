import { randomUUID } from 'node:crypto'
import { getRequestHeader, setResponseHeader, type H3Event } from 'h3'
import type { Actor } from '../utils/auth'
import { clientIp } from '../utils/client-ip'
import { serverConfig } from '../utils/config'
import { logger } from '../utils/logger'

const REQUEST_ID = /^[\w.:-]{1,64}$/

declare module 'h3' {
  interface H3EventContext {
    /** Names this request in the logs and the `X-Request-Id` response header. */
    requestId?: string
    /** Who the request acts for, once requireUser has authenticated it (once per request). */
    auth?: Actor
  }
}

/** A trusted proxy's request id is kept, so its logs and ours name the request alike. */
function requestIdFor(event: H3Event): string {
  const incoming = serverConfig().trustProxyHops > 0 ? getRequestHeader(event, 'x-request-id') : undefined
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID()
}

/** Requests Nitro makes to itself (server-side fetches, Nuxt's error page render). */
function isInternal(event: H3Event): boolean {
  return '__unenv__' in event.node.req
}

// One log line per request: id, method, path (never the query string), status, time, the
// client's address and, once authenticated, the user's id: enough to say who did what
// (docs/deploy.md, "Logs"). Headers, cookies and bodies are never logged. The line is written when the response
// closes, so failed, refused and aborted requests are counted too.
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('request', (event) => {
    if (isInternal(event)) return
    const requestId = requestIdFor(event)
    const startedAt = performance.now()
    const ip = clientIp(event)
    event.context.requestId = requestId
    setResponseHeader(event, 'x-request-id', requestId)
    const response = event.node.res
    response.once('close', () => {
      logger.request({
        requestId,
        method: event.method,
        route: event.path,
        status: response.writableFinished ? response.statusCode : 499,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        ip,
        ...(event.context.auth ? { userId: String(event.context.auth.userId) } : {}),
      })
    })
  })
})
