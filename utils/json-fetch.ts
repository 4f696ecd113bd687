import type { FetchOptions } from 'ofetch'

export type JsonFetch = <T>(path: string, options?: FetchOptions<'json'>) => Promise<T>

/**
 * `$fetch` for the app's own API; during SSR the variant that forwards the visitor's
 * cookies. In the browser every answer's `Date` header tells the server's clock
 * (utils/server-clock.ts). (Nitro's route-typed `$fetch` is too deep for TypeScript to
 * compare; the API's types live in shared/types/api.ts.)
 */
export function useJsonFetch(): JsonFetch {
  return import.meta.server ? useRequestFetch() as unknown as JsonFetch : clientFetch
}

const clientFetch: JsonFetch = (path, options = {}) => {
  const sentAt = Date.now()
  const learn = ({ response }: { response: Response }) => learnFromDateHeader(response.headers.get('date'), sentAt, Date.now())
  const onResponse = [learn, ...[options.onResponse ?? []].flat()]
  return ($fetch as unknown as JsonFetch)(path, { ...options, onResponse } as FetchOptions<'json'>)
}
