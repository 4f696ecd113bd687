import { getRequestHeader, setResponseHeader, setResponseHeaders } from 'h3'
import { addScriptNonce, BASE_SECURITY_HEADERS, createNonce, DEFAULT_CSP, pageCsp, SERVICE_WORKER_CSP } from '../utils/security-headers'

// Security headers on every response; pages swap the strict default policy for one
// that admits their own scripts by a per-response nonce. Error pages are rendered by an
// inner request whose headers Nuxt copies onto the outer one, so their nonce matches too.
// In development there is no CSP: Vite's client injects inline scripts of its own.
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('request', (event) => {
    setResponseHeaders(event, BASE_SECURITY_HEADERS)
    if (!import.meta.dev) setResponseHeader(event, 'content-security-policy', event.path === '/sw.js' ? SERVICE_WORKER_CSP : DEFAULT_CSP)
  })
  if (import.meta.dev) return

  nitroApp.hooks.hook('render:html', (html, { event }) => {
    const nonce = createNonce()
    // Only the parts Nuxt writes get the nonce: `body` is the rendered app, where a
    // script tag could only be injected content and must stay blocked.
    html.head = html.head.map(chunk => addScriptNonce(chunk, nonce))
    html.bodyAppend = html.bodyAppend.map(chunk => addScriptNonce(chunk, nonce))
    setResponseHeader(event, 'content-security-policy', pageCsp(nonce, getRequestHeader(event, 'host')))
  })
})
