import { randomBytes } from 'node:crypto'

/** Headers every response carries, pages, API and static files alike. */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // Browsers honour HSTS only over HTTPS, so it is harmless on plain-HTTP development.
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  // Chat URLs name chats and message ids: links opened from messages do not leak them.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
}

/** The policy of everything but pages: JSON and assets run no script and may not be framed. */
export const DEFAULT_CSP = 'default-src \'none\'; frame-ancestors \'none\'; base-uri \'none\'; form-action \'none\''

/**
 * The service worker's own policy (a worker's CSP is its script's): it runs only its
 * file, and loads the notification's icon, the app's own image.
 */
export const SERVICE_WORKER_CSP = `${DEFAULT_CSP}; img-src 'self'`

export function createNonce(): string {
  return randomBytes(18).toString('base64')
}

/** A host header value fit to be written into a CSP source (`example.com`, `127.0.0.1:3000`, `[::1]:3000`). */
function cspHost(host: string | undefined): string | undefined {
  return host && /^[\w.-]+(?::\d{1,5})?$|^\[[\da-f:.]+\](?::\d{1,5})?$/i.test(host) ? host : undefined
}

/**
 * The policy for an HTML page. Scripts: the app's own files and the inline scripts Nuxt
 * writes (`window.__NUXT__` config, import maps), which carry this response's nonce.
 * Styles allow inline: Vuetify writes its theme as a `<style>` and positions with `style`
 * attributes, which no nonce can cover. The app's own WebSocket is allowed by name as
 * well as by `'self'`, which older browsers do not extend to ws: and wss:.
 */
export function pageCsp(nonce: string, host?: string): string {
  const socketHost = cspHost(host)
  return [
    'default-src \'self\'',
    `script-src 'self' 'nonce-${nonce}'`,
    'style-src \'self\' \'unsafe-inline\'',
    'img-src \'self\' data: blob:',
    'font-src \'self\' data:',
    `connect-src 'self'${socketHost ? ` ws://${socketHost} wss://${socketHost}` : ''}`,
    'worker-src \'self\' blob:',
    'manifest-src \'self\'',
    'object-src \'none\'',
    'base-uri \'self\'',
    'form-action \'self\'',
    'frame-ancestors \'none\'',
  ].join('; ')
}

const SCRIPT_WITHOUT_NONCE = /<script(?![^>]*\snonce=)(?=[\s>])/gi

/** Gives every `<script>` tag of Nuxt-generated markup the nonce. */
export function addScriptNonce(html: string, nonce: string): string {
  return html.replace(SCRIPT_WITHOUT_NONCE, `<script nonce="${nonce}"`)
}
