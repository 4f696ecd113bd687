import { defineStore } from 'pinia'
import type { AuthResult, Me, RefreshResult, Session, SessionEndReason, TwoFactorChallenge } from '#shared/types/api'
import type { AuthenticationResponseJSON } from '@simplewebauthn/browser'
import type { GuestInput, LoginInput, RegisterInput, TwoFactorLoginInput } from '#shared/schemas/auth'

/** Renew the access token this long before it expires. */
const RENEW_AHEAD_MS = 60_000
/** Never sooner than this after the last renewal, whatever the token's lifetime seems to be. */
const RENEW_FLOOR_MS = 60_000

/**
 * Who is signed in. The tokens travel as HttpOnly cookies (the socket's upgrade carries
 * them too); the store keeps when the access token expires, renews it before then, and
 * forgets everything when the session ends.
 */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<Me | null>(null)
  const accessTokenExpiresAt = ref<string | null>(null)
  /**
   * Set during SSR when the request carried an access cookie (it outlives its token):
   * only then is a refresh worth trying, so signed-out visitors cause no 401s.
   */
  const mayHaveSession = ref(false)
  /** Why the last refresh found the session over, when the server said (a ban, a password changed elsewhere). */
  const endReason = ref<SessionEndReason | null>(null)

  const isAdmin = computed(() => user.value?.role === 'admin')
  const isGuest = computed(() => user.value?.role === 'guest')

  // On the server, forward the visitor's cookies so a signed-in reload renders signed in.
  const request = useJsonFetch()

  let renewTimer: ReturnType<typeof setTimeout> | undefined
  let refreshing: Promise<boolean> | null = null

  function scheduleRenewal(): void {
    if (import.meta.server) return
    clearTimeout(renewTimer)
    if (!accessTokenExpiresAt.value) return
    // The token's lifetime by the server's clock (whose answer just told it): by the
    // viewer's, a clock hours fast renewed every 5 s for ever (tests/e2e/clock-skew.spec.ts).
    const delay = Math.max(RENEW_FLOOR_MS, Date.parse(accessTokenExpiresAt.value) - serverNow() - RENEW_AHEAD_MS)
    renewTimer = setTimeout(() => void refresh(), delay)
  }

  function applyTokens(result: { accessTokenExpiresAt: string }): void {
    endReason.value = null
    accessTokenExpiresAt.value = result.accessTokenExpiresAt
    scheduleRenewal()
  }

  function applyAuthResult(result: AuthResult): Me {
    user.value = result.user
    restoring = Promise.resolve(result.user)
    applyTokens(result)
    return result.user
  }

  /** Forgets the signed-in person (the server session is already gone or being ended). */
  function clear(): void {
    clearTimeout(renewTimer)
    restoring = Promise.resolve(null)
    user.value = null
    accessTokenExpiresAt.value = null
  }

  /** The password step: signed in, or (two-factor on) the challenge that `completeLogin` needs. */
  async function login(input: LoginInput): Promise<Me | TwoFactorChallenge> {
    const result = await request<AuthResult | TwoFactorChallenge>('/api/auth/login', { method: 'POST', body: input })
    return 'twoFactorRequired' in result ? result : applyAuthResult(result)
  }

  /** The second step of a two-factor sign-in: an authenticator or recovery code. */
  async function completeLogin(input: TwoFactorLoginInput): Promise<Me> {
    return applyAuthResult(await request<AuthResult>('/api/auth/login/2fa', { method: 'POST', body: input }))
  }

  /** A passkey sign-in: the credential the browser answered with (no second step). */
  async function loginWithPasskey(credential: AuthenticationResponseJSON): Promise<Me> {
    return applyAuthResult(await request<AuthResult>('/api/auth/login/passkey', { method: 'POST', body: { credential } }))
  }

  async function register(input: RegisterInput): Promise<Me> {
    return applyAuthResult(await request<AuthResult>('/api/auth/register', { method: 'POST', body: input }))
  }

  async function guest(input: GuestInput): Promise<Me> {
    return applyAuthResult(await request<AuthResult>('/api/auth/guest', { method: 'POST', body: input }))
  }

  /**
   * Renews the access token with the refresh cookie. Concurrent callers share one
   * request; false when the session is over (the caller sends the person to /login).
   */
  function refresh(): Promise<boolean> {
    if (import.meta.server) return Promise.resolve(false)
    refreshing ??= (async () => {
      try {
        applyTokens(await request<RefreshResult>('/api/auth/refresh', { method: 'POST' }))
        return true
      }
      catch (error) {
        endReason.value = toApiErrorBody(error).data.reason ?? null
        clear()
        return false
      }
      finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  /** Loads the signed-in person (null when signed out), without refreshing. */
  async function fetchMe(): Promise<Me | null> {
    try {
      const result = await request<{ user: Me, session: Session }>('/api/auth/me')
      user.value = result.user
      return result.user
    }
    catch {
      user.value = null
      return null
    }
  }

  let restoring: Promise<Me | null> | null = null

  /**
   * On the client, once per page load (concurrent callers share it): gets an access token
   * of the store's own with the refresh cookie, and loads the person when the page was
   * rendered signed out because the access cookie's token had expired.
   */
  function restore(): Promise<Me | null> {
    if (import.meta.server) return Promise.resolve(user.value)
    restoring ??= (async () => {
      if (!user.value && !mayHaveSession.value) return null
      if (!(await refresh())) return null
      return user.value ?? await fetchMe()
    })()
    return restoring
  }

  /** Ends this session on the server (renewing first if the token expired) and forgets it. */
  async function logout(): Promise<void> {
    const end = () => request('/api/auth/logout', { method: 'POST' })
    try {
      await end()
    }
    catch (error) {
      // An expired access token: renew once so the server session really ends.
      if (toApiErrorBody(error).statusCode === 401 && await refresh()) await end().catch(() => {})
    }
    clear()
  }

  function setUser(next: Me): void {
    user.value = next
  }

  return {
    user, accessTokenExpiresAt, mayHaveSession, endReason,
    isAdmin, isGuest,
    login, completeLogin, loginWithPasskey, register, guest, logout, refresh, fetchMe, restore, clear, setUser,
  }
})
