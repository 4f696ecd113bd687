import type { FetchOptions } from 'ofetch'

export type ApiOptions = FetchOptions<'json'> & {
  /** Do not try a token refresh on 401 (the auth routes themselves). */
  skipRefresh?: boolean
}

/**
 * The app's way to call its API: same-origin `$fetch` with the auth cookies (forwarded
 * during SSR). On a 401 it renews the session once through the auth store and retries;
 * when the session is gone it sends the person to /login. Failures are thrown as
 * `ApiError` with the contract's body.
 */
export function useApi() {
  const auth = useAuthStore()
  const request = useJsonFetch()
  const route = useRoute()

  async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
    const { skipRefresh, ...fetchOptions } = options
    try {
      return await request<T>(path, fetchOptions)
    }
    catch (error) {
      const body = toApiErrorBody(error)
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
      if (route.path !== '/login') await navigateTo({ path: '/login', query: { redirect: route.fullPath } })
      throw new ApiError(body)
    }
  }

  return api
}
