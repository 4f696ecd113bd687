import { watchDebounced } from '@vueuse/core'
import type { WatchSource } from 'vue'
import type { Page } from '#shared/types/api'

/** Fetches one page of results for a search; `cursor` is null for the first page. */
export type PageLoader<T> = (query: string, cursor: string | null) => Promise<Page<T>>

/** The query string of a search page request: `q` and `cursor` only when they are set. */
export function pageQuery(q: string, cursor: string | null): { q?: string, cursor?: string } {
  return { ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }
}

export interface PagedSearchOptions<T = unknown> {
  /** The words searched for, when the caller holds them (default: a ref of its own). */
  query?: Ref<string | null>
  /** Fewer characters (trimmed) search nothing: the list is emptied (default 0). */
  minLength?: number
  /** Searches only while this holds (a mention completion, only in a channel); answers asked before are dropped. */
  enabled?: () => boolean
  /** Other things the search depends on (a filter box): a change searches again. */
  watch?: WatchSource[]
  /** Milliseconds of quiet typing before a search is sent (default 250). */
  debounce?: number
  /** Tells a failure elsewhere (next to the field, an empty list) instead of the snackbar; `error` holds it too. */
  onError?: (error: unknown) => void
  /** What the list held when last left (Back to a directory): shown as it was, not searched again until the words change. */
  restored?: { items: T[], nextCursor: string | null }
}

/**
 * A searchable, cursor-paged list (the channel and people directories, the user picker,
 * the admin's users, message search, mentions in a channel): the query is debounced so
 * typing does not send a request per key, a new query starts again from the first page,
 * and a failure goes to the snackbar (or `onError`) while the list keeps what it had.
 * `update` keeps the items shown in step with live news (composables/useUserChanges.ts).
 * Proven by tests/components/paged-search.test.ts and tests/e2e/user-picker.spec.ts.
 */
export function usePagedSearch<T>(loadPage: PageLoader<T>, options: PagedSearchOptions<T> = {}) {
  const snackbar = useSnackbarStore()
  // Vuetify's clear button sets the field to null.
  const query = options.query ?? ref<string | null>('')
  const items = ref<T[]>(options.restored?.items ?? []) as Ref<T[]>
  const nextCursor = ref<string | null>(options.restored?.nextCursor ?? null)
  const loading = ref(false)
  /** The latest search has answered (false while the words are too short to search). */
  const searched = ref(Boolean(options.restored))
  /** The latest search's failure, null once another starts. */
  const error = ref<unknown>(null)

  // Answers can come back out of order (a slow first page, a quick search after it): only
  // the latest request's answer is shown.
  let latestRequest = 0
  // Changes told while the latest request was on its way: its answer may predate them.
  let heardInFlight: ((item: T) => T)[] = []

  /**
   * Applies a change told elsewhere (the socket: a person's new name or ban) to the items
   * held, in place: no new search, so the pages loaded and the scroll position stay.
   */
  function update(change: (item: T) => T) {
    if (loading.value) heardInFlight.push(change)
    const next = items.value.map(change)
    if (next.some((item, index) => item !== items.value[index])) items.value = next
  }

  async function load(more = false) {
    const request = ++latestRequest
    heardInFlight = []
    const words = query.value?.trim() ?? ''
    error.value = null
    if (options.enabled && !options.enabled()) {
      loading.value = false
      return
    }
    if (words.length < (options.minLength ?? 0)) {
      items.value = []
      nextCursor.value = null
      searched.value = false
      loading.value = false
      return
    }
    loading.value = true
    try {
      const page = await loadPage(words, more ? nextCursor.value : null)
      if (request !== latestRequest) return
      const answer = heardInFlight.reduce((found, change) => found.map(change), page.items)
      items.value = more ? [...items.value, ...answer] : answer
      nextCursor.value = page.nextCursor
      searched.value = true
    }
    catch (failure) {
      if (request !== latestRequest) return
      error.value = failure
      if (options.onError) options.onError(failure)
      else snackbar.notifyError(failure)
    }
    finally {
      if (request === latestRequest) loading.value = false
    }
  }

  watchDebounced([query, ...(options.watch ?? [])], () => load(), { debounce: options.debounce ?? 250, immediate: !options.restored })

  return { query, items, nextCursor, loading, searched, error, update, loadMore: () => load(true), reload: () => load() }
}
