import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import { ROOT, SERVER_ENTRY, TEST_SERVER_ENV, startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { freePort } from '../../scripts/lib/ferretdb.mjs'
import { openSlowRequest, waitForLogLine } from '../harness/shutdown'

const SECRET = TEST_SERVER_ENV.NUXT_JWT_SECRET!

function expectSecurityHeaders(headers: Headers) {
  expect(headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/)
  expect(headers.get('x-content-type-options')).toBe('nosniff')
  expect(headers.get('referrer-policy')).toBe('no-referrer')
  expect(headers.get('content-security-policy')).toContain('frame-ancestors \'none\'')
  expect(headers.get('x-request-id')).toMatch(/^[\w.:-]{1,64}$/)
}

/** Scripts come from the app or carry the nonce, and every `<script>` of the page has that nonce. */
function expectNoncedPage(csp: string | null, html: string) {
  const scriptSrc = csp?.split(';').map(d => d.trim()).find(d => d.startsWith('script-src'))
  expect(scriptSrc).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]+'$/)
  const nonce = scriptSrc!.match(/'nonce-([^']+)'/)![1]
  const scripts = html.match(/<script\b[^>]*>/g) ?? []
  expect(scripts.length).toBeGreaterThan(0)
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
}

describe('security headers', () => {
  const baseUrl = () => inject('baseUrl')

  it('come with a page, whose scripts all carry the CSP nonce', async () => {
    const response = await fetch(`${baseUrl()}/`)
    expect(response.status).toBe(200)
    expectSecurityHeaders(response.headers)
    const csp = response.headers.get('content-security-policy')
    expect(csp).toContain(`connect-src 'self' ws://${new URL(baseUrl()).host} wss://${new URL(baseUrl()).host}`)
    expectNoncedPage(csp, await response.text())
  })

  it('use a fresh nonce for every page', async () => {
    const [a, b] = await Promise.all([fetch(`${baseUrl()}/`), fetch(`${baseUrl()}/`)])
    expect(a.headers.get('content-security-policy')).not.toBe(b.headers.get('content-security-policy'))
  })

  it('come with the HTML error page, whose scripts match its policy', async () => {
    const response = await fetch(`${baseUrl()}/no/such/page`, { headers: { accept: 'text/html' } })
    expect(response.status).toBe(404)
    expectSecurityHeaders(response.headers)
    expectNoncedPage(response.headers.get('content-security-policy'), await response.text())
  })

  it('come with API answers, successful or not', async () => {
    for (const path of ['/api/health', '/api/no/such/route']) {
      const response = await fetch(`${baseUrl()}${path}`)
      expectSecurityHeaders(response.headers)
      expect(response.headers.get('content-security-policy')).toContain('default-src \'none\'')
    }
  })

  it('give each request its own id', async () => {
    const [a, b] = await Promise.all([fetch(`${baseUrl()}/api/health`), fetch(`${baseUrl()}/api/health`)])
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'))
  })
})

describe('the app\'s own files', () => {
  const baseUrl = () => inject('baseUrl')

  it('reach a browser compressed, Brotli where it is accepted, gzip otherwise', async () => {
    // On a phone's slow network the uncompressed scripts and styles (some 2 MB) took half a
    // minute before the first screen (nuxt.config.ts, compressPublicAssets).
    const html = await (await fetch(`${baseUrl()}/login`)).text()
    const files = [...new Set(html.match(/\/_nuxt\/[\w.-]+\.(?:js|css)/g) ?? [])]
    // A file under 1 KiB is sent as it is: compressing it would save next to nothing.
    const sizes = await Promise.all(files.map(async file =>
      (await (await fetch(`${baseUrl()}${file}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength))
    const worthCompressing = files.filter((_, index) => sizes[index]! >= 1024)
    expect(worthCompressing.length).toBeGreaterThan(0)
    for (const file of worthCompressing) {
      const brotli = await fetch(`${baseUrl()}${file}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } })
      expect(brotli.status, file).toBe(200)
      expect(brotli.headers.get('content-encoding'), file).toBe('br')
      expect(brotli.headers.get('vary'), file).toMatch(/accept-encoding/i)
      const gzip = await fetch(`${baseUrl()}${file}`, { headers: { 'accept-encoding': 'gzip' } })
      expect(gzip.headers.get('content-encoding'), file).toBe('gzip')
      expect(await gzip.text(), file).toBe(await brotli.text())
    }
  })
})

describe('production boot', () => {
  /** Starts the built server with exactly `env` (plus PATH) and waits for it to exit. */
  async function bootWith(env: Record<string, string>) {
    const port = await freePort()
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', chunk => (output += chunk))
    child.stderr.on('data', chunk => (output += chunk))
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      child.once('exit', (exitCode) => {
        clearTimeout(timer)
        resolve(exitCode)
      })
    })
    return { code, lines: output.trim().split('\n') }
  }

  it('refuses to start without NUXT_JWT_SECRET, in one line', async () => {
    const { code, lines } = await bootWith({ NUXT_MONGODB_URI: inject('mongoUri') })
    expect(code).not.toBe(0)
    expect(lines).toEqual(['[parley] Refusing to start in production: set NUXT_JWT_SECRET.'])
  })

  it('refuses to start without NUXT_MONGODB_URI, in one line', async () => {
    const { code, lines } = await bootWith({ NUXT_JWT_SECRET: SECRET })
    expect(code).not.toBe(0)
    expect(lines).toEqual(['[parley] Refusing to start in production: set NUXT_MONGODB_URI.'])
  })

  it('names both when both are missing', async () => {
    const { code, lines } = await bootWith({})
    expect(code).not.toBe(0)
    expect(lines).toEqual(['[parley] Refusing to start in production: set NUXT_JWT_SECRET and NUXT_MONGODB_URI.'])
  })
})

describe('request logs', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ mongoUri: inject('mongoUri') })
  })
  afterAll(() => server?.stop())

  it('are JSON lines with level, time, request id, route, status and duration, without query strings', async () => {
    const response = await fetch(`${server.baseUrl}/api/no/such/route?token=query-secret-123`)
    const requestId = response.headers.get('x-request-id')
    const line = await waitForLogLine(server, entry => entry.requestId === requestId)
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', route: '/api/no/such/route', status: 404 })
    expect(Date.parse(line.time as string)).not.toBeNaN()
    expect(line.durationMs).toEqual(expect.any(Number))
    expect(server.logs()).not.toContain('query-secret-123')
  })

  it('ignore a client\'s own X-Request-Id when no proxy is trusted', async () => {
    const response = await fetch(`${server.baseUrl}/api/health`, { headers: { 'x-request-id': 'forged-by-client' } })
    expect(response.headers.get('x-request-id')).not.toBe('forged-by-client')
  })
})

describe('graceful shutdown', () => {
  it('on SIGTERM lets an in-flight request finish, stops accepting and exits 0 within 10 s', async () => {
    const server = await startServer({ mongoUri: inject('mongoUri') })
    try {
      // A request whose body is still arriving when the signal comes.
      const { req, response, accepted } = openSlowRequest(`${server.baseUrl}/api/health`)
      await accepted
      req.write('{"partial":')
      server.process.kill('SIGTERM')
      await waitForLogLine(server, entry => entry.msg === 'shutting down')
      req.end('true}')
      const answer = await response
      // The request was heard to its end (POST on a GET route: the contract's 404 body).
      expect(answer.status).toBe(404)
      expect(JSON.parse(answer.body)).toMatchObject({ data: { code: 'not_found' } })

      const exit = await server.exited
      // Exit code 0: the clean path, not the hard limit (9.5 s, exit 1). Timing the exit
      // from here would measure the machine's load as well.
      expect(exit).toEqual({ code: 0, signal: null })
      await expect(fetch(`${server.baseUrl}/api/health`)).rejects.toThrow()
      expect(server.logs()).toContain('"msg":"stopped"')
    }
    finally {
      await server.stop('SIGKILL')
    }
  })
})
