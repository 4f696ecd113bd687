import { randomBytes } from 'node:crypto'
import { describe, expect, it, inject } from 'vitest'
import { startServer } from '../../scripts/lib/stack.mjs'
import { call, cookieHeader, loginUser, signUp, setCookies } from '../harness/api-client'
import { TestSocket } from '../harness/ws-client'

describe('graceful shutdown with open WebSockets', () => {
  it('closes every socket with 1001 and exits 0 within 10 s of SIGTERM', async () => {
    const server = await startServer({ mongoUri: inject('mongoUri') })
    try {
      const [alice, bob] = await Promise.all([signUp(server.baseUrl), signUp(server.baseUrl)])
      const sockets = await Promise.all([
        TestSocket.connect(server.baseUrl, { token: alice.token }),
        TestSocket.connect(server.baseUrl, { token: alice.token, via: 'cookie' }),
        TestSocket.connect(server.baseUrl, { token: bob.token }),
      ])

      server.process.kill('SIGTERM')
      const closes = await Promise.all(sockets.map(socket => socket.closed))
      for (const close of closes) expect(close.code).toBe(1001)

      // Exit code 0: the clean path, not the hard limit (9.5 s, exit 1). Timing the exit
      // from here would measure the machine's load as well.
      expect(await server.exited).toEqual({ code: 0, signal: null })
      expect(server.logs()).toContain('"msg":"stopped"')
    }
    finally {
      await server.stop('SIGKILL')
    }
  })
})

describe('server logs', () => {
  it('hold no password, token, cookie or JWT secret after people log in and chat', async () => {
    const jwtSecret = `log-test-${randomBytes(24).toString('hex')}`
    const server = await startServer({ mongoUri: inject('mongoUri'), env: { NUXT_JWT_SECRET: jwtSecret } })
    const secrets = new Set<string>([jwtSecret])
    try {
      const alice = await signUp(server.baseUrl)
      const bob = await signUp(server.baseUrl)
      for (const account of [alice, bob]) {
        for (const value of [account.password, account.token, account.refreshCookie, account.accessCookie]) secrets.add(value)
      }

      // Log in again, and rotate the refresh cookie the way a browser tab does.
      const login = await loginUser(server.baseUrl, alice.username, alice.password)
      expect(login.status).toBe(200)
      const loginCookies = setCookies(login.response)
      secrets.add(login.body.accessToken)
      for (const cookie of Object.values(loginCookies)) if (cookie.value) secrets.add(cookie.value)
      const refreshed = await call(server.baseUrl, '/api/auth/refresh', { method: 'POST', cookie: cookieHeader({ chat_refresh: loginCookies.chat_refresh?.value }) })
      expect(refreshed.status).toBe(200)
      secrets.add(refreshed.body.accessToken)
      for (const cookie of Object.values(setCookies(refreshed.response))) if (cookie.value) secrets.add(cookie.value)

      // A failed login with a wrong password must not leave it behind either.
      const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`
      secrets.add(wrongPassword)
      expect((await loginUser(server.baseUrl, alice.username, wrongPassword)).status).toBe(401)

      // Chat over HTTP (with the access cookie) and over the WebSocket.
      const chat = await call(server.baseUrl, '/api/chats', { body: { type: 'direct', username: bob.username }, token: refreshed.body.accessToken })
      expect([200, 201]).toContain(chat.status)
      const byHttp = await call(server.baseUrl, `/api/chats/${chat.body.id}/messages`, {
        body: { content: 'hello over HTTP', clientId: 'log-test-1' },
        cookie: cookieHeader({ chat_access: alice.accessCookie }),
        headers: { origin: server.baseUrl },
      })
      expect(byHttp.status).toBe(201)
      const socket = await TestSocket.connect(server.baseUrl, { token: bob.token, via: 'cookie' })
      const ack = await socket.request({ type: 'message.send', chatId: chat.body.id, content: 'hello over the socket', clientId: 'log-test-2' })
      expect(ack.type).toBe('ack')
      socket.ws.close()
      await socket.closed
    }
    finally {
      await server.stop()
    }

    const logs = server.logs()
    // The run was logged (one line per request), just without any secret in it.
    expect(logs).toContain('"route":"/api/auth/login"')
    expect(logs).toContain(`"route":"/api/chats/`)
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(7)
      expect(logs).not.toContain(secret)
      expect(logs).not.toContain(encodeURIComponent(secret))
    }
  })
})
