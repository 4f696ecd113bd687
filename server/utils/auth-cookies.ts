import { deleteCookie, setCookie, type H3Event } from 'h3'
import { REFRESH_TOKEN_TTL_MS } from './tokens'
import { serverConfig } from './config'

export const ACCESS_COOKIE = 'chat_access'
export const REFRESH_COOKIE = 'chat_refresh'
/** The refresh cookie only travels to the auth routes (refresh, logout). */
const REFRESH_COOKIE_PATH = '/api/auth'

export function setAuthCookies(event: H3Event, tokens: { accessToken: string, refreshToken?: string }): void {
  const secure = serverConfig().secureCookies
  setCookie(event, ACCESS_COOKIE, tokens.accessToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    // Outlives the 15-minute token inside it on purpose: a page render that finds an
    // expired one knows the visitor was signed in and lets the client renew the session.
    maxAge: Math.floor(REFRESH_TOKEN_TTL_MS / 1000),
  })
  if (tokens.refreshToken) {
    setCookie(event, REFRESH_COOKIE, tokens.refreshToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: REFRESH_COOKIE_PATH,
      maxAge: Math.floor(REFRESH_TOKEN_TTL_MS / 1000),
    })
  }
}

export function clearAuthCookies(event: H3Event): void {
  const secure = serverConfig().secureCookies
  deleteCookie(event, ACCESS_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' })
  deleteCookie(event, REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: REFRESH_COOKIE_PATH })
}
