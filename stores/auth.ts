import { defineStore } from 'pinia'
import { EXPECTED_USER_HEADER, type AuthResult, type Me, type RefreshResult, type Session, type SessionEndReason, type TwoFactorChallenge } from '#shared/types/api'
import type { AuthenticationResponseJSON } from '@simplewebauthn/browser'
import type { ApiErrorBody } from '#shared/errors'
import type { GuestInput, LoginInput, RegisterInput, TwoFactorLoginInput } from '#shared/schemas/auth'

/** Renew the access token this long before it expires. */
const RENEW_AHEAD_MS = 60_000
/** Never sooner than this after the last renewal, whatever the token's lifetime seems to be. */
const RENEW_FLOOR_MS = 60_000
/**
 * After a renewal that got no answer (offline, a proxy's 502 during a deploy), try again
 * after these delays, the last one repeating, or at once when the browser is back online.
 */
const RENEW_RETRY_MS = [5_000, 15_000, 30_000, 60_000]

/** How a renewal ended: `later` kept the session (no answer yet), `followed` took another tab's account. */
type RenewalOutcome = 'renewed' | 'ended' | 'later' | 'followed'

/**
 * Who is signed in. The tokens travel as HttpOnly cookies (the socket's upgrade carries
 * them too); the store keeps when the access token expires, renews it before then, and
 * forgets everything when the session ends. The cookies are the browser's, shared by its
 * tabs, while the person is this tab's: its requests name that person (`expectedUser`), and
 * when another tab signed in another account the tab follows it (`followBrowserAccount`).
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
  let refreshing: Promise<RenewalOutcome> | null = null
  /** Why the last renewal got no answer, while the session is kept and the renewal tried again; null otherwise. */
  let renewalFailure: ApiErrorBody | null = null
  let renewRetries = 0
  const nuxtApp = tryUseNuxtApp()

  function scheduleRenewal(): void {
    if (import.meta.server) return
    clearTimeout(renewTimer)
    if (!accessTokenExpiresAt.value) return
    // The token's lifetime by the server's clock (whose answer just told it): by the
    // viewer's, a clock hours fast renewed every 5 s for ever (tests/e2e/clock-skew.spec.ts).
    const delay = Math.max(RENEW_FLOOR_MS, Date.parse(accessTokenExpiresAt.value) - serverNow() - RENEW_AHEAD_MS)
    renewTimer = setTimeout(() => void renew(), delay)
  }

  /**
   * The renewal timer's (and the `online` event's) renewal. A refusal ends the session: the
   * person goes to /login, back to this page after signing in (nothing else would move them,
   * and the page went blank, FINDINGS-phone 1). No answer keeps everything as it is.
   */
  async function renew(): Promise<void> {
    if (await renewOutcome() !== 'ended' || !nuxtApp) return
    const router = nuxtApp.$router as ReturnType<typeof useRouter>
    await nuxtApp.runWithContext(() => navigateTo(loginAfterSessionEnd(router.currentRoute.value.fullPath, endReason.value, useSnackbarStore()), { replace: true }))
  }

  /**
   * A phone in a tunnel or a server restarting has not ended the session: keep the person
   * and what the app shows, and renew again, with growing delays or when the browser is
   * back online, whichever comes first (tests/e2e/session-renewal.spec.ts).
   */
  function renewLater(failure: ApiErrorBody): void {
    renewalFailure = failure
    clearTimeout(renewTimer)
    const delay = RENEW_RETRY_MS[Math.min(renewRetries, RENEW_RETRY_MS.length - 1)]!
    renewRetries++
    renewTimer = setTimeout(() => void renew(), delay)
    window.removeEventListener('online', renewNow)
    window.addEventListener('online', renewNow, { once: true })
  }

  function renewNow(): void {
    clearTimeout(renewTimer)
    void renew()
  }

  /** Forgets a renewal to be tried again (renewed, or the session is over). */
  function stopRenewingLater(): void {
    renewalFailure = null
    renewRetries = 0
    if (import.meta.client) window.removeEventListener('online', renewNow)
  }

  function applyTokens(result: { accessTokenExpiresAt: string }): void {
    endReason.value = null
    stopRenewingLater()
    accessTokenExpiresAt.value = result.accessTokenExpiresAt
    scheduleRenewal()
  }

  /** The header naming the person this tab shows, for a request made for them (shared/types/api.ts). */
  function expectedUser(userId: string | undefined): Record<string, string> {
    return import.meta.client && userId ? { [EXPECTED_USER_HEADER]: userId } : {}
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
    stopRenewingLater()
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
   * request; false when it was not renewed: the session is over (`user` is null: the caller
   * sends the person to /login), or there was no answer (`pendingRenewalFailure()` says
   * why; the session is kept and the renewal tried again).
   */
  async function refresh(): Promise<boolean> {
    return await renewOutcome() === 'renewed'
  }

  function renewOutcome(): Promise<RenewalOutcome> {
    if (import.meta.server) return Promise.resolve('ended')
    refreshing ??= (async (): Promise<RenewalOutcome> => {
      try {
        applyTokens(await request<RefreshResult>('/api/auth/refresh', { method: 'POST', headers: expectedUser(user.value?.id) }))
        return 'renewed'
      }
      catch (error) {
        const body = toApiErrorBody(error)
        // Another tab signed in another account: this one takes it (not signed out).
        if (body.data.code === 'account_changed') {
          await followBrowserAccount()
          return 'followed'
        }
        // Only the server's refusal (401) ends the session; no network, 408, 429 or 5xx do not.
        if (user.value && isTransientFailure(body) && body.statusCode !== 401) {
          renewLater(body)
          return 'later'
        }
        endReason.value = body.data.reason ?? null
        clear()
        return 'ended'
      }
      finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  /** Why the last renewal got no answer, while the session is kept; null when none is pending. */
  function pendingRenewalFailure(): ApiErrorBody | null {
    return renewalFailure
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
    // For the person shown only: another account the browser signed in since is not theirs to end.
    const end = () => request('/api/auth/logout', { method: 'POST', headers: expectedUser(user.value?.id) })
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

  let onFollowed: (from: Me | null, to: Me | null) => void = () => {}
  let following: Promise<void> | null = null

  /** Told when the tab took another account, or none (plugins/account-sync.client.ts says so and moves on). */
  function setFollowedHandler(handler: (from: Me | null, to: Me | null) => void): void {
    onFollowed = handler
  }

  /**
   * The browser's cookies sign in another account than this tab shows (the server answered
   * `account_changed`, or another tab said it signed in): the tab takes the browser's
   * account, whose stores load afresh (composables/useSessionLifecycle.ts), or none. Asks
   * the server, never the other tab, who that is; concurrent callers share one check. With
   * no answer nothing changes, and the server goes on refusing requests for the other person.
   */
  function followBrowserAccount(): Promise<void> {
    if (import.meta.server) return Promise.resolve()
    following ??= (async () => {
      const from = user.value
      let to: Me | null
      try {
        applyTokens(await request<RefreshResult>('/api/auth/refresh', { method: 'POST' }))
        to = (await request<{ user: Me }>('/api/auth/me')).user
      }
      catch (error) {
        if (toApiErrorBody(error).statusCode !== 401) return
        to = null
      }
      if (to?.id === user.value?.id) {
        if (to) user.value = to
        return
      }
      if (to) {
        user.value = to
        restoring = Promise.resolve(to)
      }
      else {
        clear()
      }
      onFollowed(from, to)
    })().finally(() => {
      following = null
    })
    return following
  }

  return {
    user, accessTokenExpiresAt, mayHaveSession, endReason,
    isAdmin, isGuest,
    login, completeLogin, loginWithPasskey, register, guest, logout, refresh, pendingRenewalFailure, fetchMe, restore, clear, setUser,
    expectedUser, followBrowserAccount, setFollowedHandler,
  }
})
