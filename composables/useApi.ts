import type { FetchOptions } from 'ofetch'

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
 * setup. Failures are thrown as `ApiError` with the contract's body.
 */
export function useApi() {
  const auth = useAuthStore()
  const reauth = useReauthStore()
  const snackbar = useSnackbarStore()
  const request = useJsonFetch()
  const route = useRoute()

  async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
    const { skipRefresh, ...fetchOptions } = options
    try {
      return await request<T>(path, fetchOptions)
    }
    catch (error) {
      const body = toApiErrorBody(error)
      if (import.meta.client && body.data.code === 'reauthentication_required') {
        // A sensitive change from a session signed in a while ago: confirm, then send it again.
        if (await reauth.ask()) return api<T>(path, options)
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
          return await request<T>(path, fetchOptions)
        }
        catch (retryError) {
          throw new ApiError(toApiErrorBody(retryError))
        }
      }
      auth.clear()
      // In place of the page the session ended on: Back to it would only come here again.
      if (route.path !== '/login') await navigateTo(loginAfterSessionEnd(route.fullPath, auth.endReason, snackbar), { replace: true })
      throw new ApiError(body)
    }
  }

  return api
}
