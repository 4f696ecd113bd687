import type { FetchOptions } from 'ofetch'
import type { ApiErrorBody } from '#shared/errors'

/** Where an account the server requires two-factor of sets it up (middleware/auth.global.ts). */
export const TWO_FACTOR_SETUP_PATH = '/setup-two-factor'

export type ApiOptions = FetchOptions<'json'> & {
  /** Do not try a token refresh on 401 (the auth routes themselves). */
  skipRefresh?: boolean
}

/**
 * The app's way to call its API: same-origin `$fetch` with the auth cookies (forwarded
 * during SSR). On a 401 it renews the session once through the auth store and retries;
 * when the session is gone it sends the person to /login. A 403
 * `reauthentication_required` opens the re-authentication dialog and, once confirmed,
 * sends the request again; 403 `two_factor_setup_required` sends the person to the
 * setup. Each request names the person the tab shows (`X-Expected-User`): a 409
 * `account_changed` (another tab signed in another account, the cookies being shared) makes
 * the tab take that account and fails the request quietly (`AccountChanged`). Failures are
 * thrown as `ApiError` with the contract's body.
 */
export function useApi() {
  const auth = useAuthStore()
  const reauth = useReauthStore()
  const snackbar = useSnackbarStore()
  const request = useJsonFetch()
  const route = useRoute()

  /**
   * `expected`: the person the request is made for, pinned when it is first made: a retry
   * (after a renewal or a re-authentication) still names them, so it is never sent for
   * another account the tab took meanwhile.
   */
  async function call<T>(path: string, options: ApiOptions, expected: string | undefined): Promise<T> {
    const { skipRefresh, ...fetchOptions } = options
    const sent = { ...fetchOptions, headers: { ...(fetchOptions.headers as Record<string, string> | undefined), ...auth.expectedUser(expected) } }
    try {
      return await request<T>(path, sent)
    }
    catch (error) {
      const body = toApiErrorBody(error)
      if (import.meta.client && body.data.code === 'account_changed') throw await accountChanged(body)
      if (import.meta.client && body.data.code === 'reauthentication_required') {
        // A sensitive change from a session signed in a while ago: confirm, then send it again.
        if (await reauth.ask()) return call<T>(path, options, expected)
        throw new ReauthCancelled(body)
      }
      if (body.data.code === 'two_factor_setup_required') {
        // The server requires two-factor (docs/security.md): nothing else works until it is on.
        if (auth.user) auth.setUser({ ...auth.user, twoFactorSetupRequired: true })
        if (route.path !== TWO_FACTOR_SETUP_PATH) await navigateTo(TWO_FACTOR_SETUP_PATH)
        throw new ApiError(body)
      }
      if (body.statusCode !== 401 || skipRefresh || import.meta.server) throw new ApiError(body)
      if (await auth.refresh()) {
        try {
          return await request<T>(path, sent)
        }
        catch (retryError) {
          const retryBody = toApiErrorBody(retryError)
          if (retryBody.data.code === 'account_changed') throw await accountChanged(retryBody)
          throw new ApiError(retryBody)
        }
      }
      // No answer to the renewal (offline, server trouble): the session goes on, and the
      // request failed as the renewal did, for the caller to try again (the outbox does).
      const unanswered = auth.pendingRenewalFailure()
      if (unanswered && auth.user) throw new ApiError(unanswered)
      // The renewal found another account signed in (the tab took it): not an ended session.
      if (expected && auth.user && auth.user.id !== expected) throw new AccountChanged(body)
      auth.clear()
      // In place of the page the session ended on: Back to it would only come here again.
      if (route.path !== '/login') await navigateTo(loginAfterSessionEnd(route.fullPath, auth.endReason, snackbar), { replace: true })
      throw new ApiError(body)
    }
  }

  /** The cookies sign in another account now (a sign-in in another tab): the tab takes it, and the request fails quietly. */
  async function accountChanged(body: ApiErrorBody): Promise<AccountChanged> {
    await auth.followBrowserAccount()
    return new AccountChanged(body)
  }

  function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
    return call<T>(path, options, auth.user?.id)
  }

  return api
}
