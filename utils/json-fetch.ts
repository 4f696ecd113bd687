import type { FetchOptions } from 'ofetch'

export type JsonFetch = <T>(path: string, options?: FetchOptions<'json'>) => Promise<T>

/**
 * `$fetch` for the app's own API; during SSR the variant that forwards the visitor's
 * cookies. (Nitro's route-typed `$fetch` is too deep for TypeScript to compare; the API's
 * types live in shared/types/api.ts.)
 */
export function useJsonFetch(): JsonFetch {
  return import.meta.server ? useRequestFetch() as unknown as JsonFetch : $fetch as unknown as JsonFetch
}
