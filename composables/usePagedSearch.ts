import { watchDebounced } from '@vueuse/core'
import type { Page } from '#shared/types/api'

/** Fetches one page of results for a search; `cursor` is null for the first page. */
export type PageLoader<T> = (query: string, cursor: string | null) => Promise<Page<T>>

/** The query string of a search page request: `q` and `cursor` only when they are set. */
export function pageQuery(q: string, cursor: string | null): { q?: string, cursor?: string } {
  return { ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }
}

/**
 * A searchable, cursor-paged list (the channel and people directories): the query is
 * debounced so typing does not send a request per key, a new query starts again from
 * the first page, and a failure goes to the snackbar while the list keeps what it had.
 */
export function usePagedSearch<T>(loadPage: PageLoader<T>) {
  const snackbar = useSnackbarStore()
  // Vuetify's clear button sets the field to null.
  const query = ref<string | null>('')
  const items = ref<T[]>([]) as Ref<T[]>
  const nextCursor = ref<string | null>(null)
  const loading = ref(false)

  // Answers can come back out of order (a slow first page, a quick search after it): only
  // the latest request's answer is shown.
  let latestRequest = 0

  async function load(more = false) {
    const request = ++latestRequest
    loading.value = true
    try {
      const page = await loadPage(query.value?.trim() ?? '', more ? nextCursor.value : null)
      if (request !== latestRequest) return
      items.value = more ? [...items.value, ...page.items] : page.items
      nextCursor.value = page.nextCursor
    }
    catch (error) {
      if (request === latestRequest) snackbar.notifyError(error)
    }
    finally {
      if (request === latestRequest) loading.value = false
    }
  }

  watchDebounced(query, () => load(), { debounce: 250, immediate: true })

  return { query, items, nextCursor, loading, loadMore: () => load(true), reload: () => load() }
}
