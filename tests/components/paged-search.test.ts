import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import type { Page } from '#shared/types/api'
import { usePagedSearch } from '~~/composables/usePagedSearch'

interface Pending { query: string, resolve: (page: Page<string>) => void }

describe('a searchable directory list', () => {
  it('shows the answer to the latest search even when an older one answers after it', async () => {
    const requests: Pending[] = []
    const search = usePagedSearch<string>(query => new Promise(resolve => requests.push({ query, resolve })))
    await vi.waitFor(() => expect(requests).toHaveLength(1))
    search.query.value = 'ben'
    await vi.waitFor(() => expect(requests).toHaveLength(2))
    expect(requests.map(request => request.query)).toEqual(['', 'ben'])

    requests[1]!.resolve({ items: ['ben'], nextCursor: null })
    await vi.waitFor(() => expect(search.items.value).toEqual(['ben']))
    expect(search.loading.value).toBe(false)
    // The first page of the unfiltered list comes back last: it must not replace the search.
    requests[0]!.resolve({ items: ['ana', 'ben', 'cy'], nextCursor: 'next' })
    // The stale answer settles in promise callbacks; flushPromises runs them all.
    await flushPromises()
    expect(search.items.value).toEqual(['ben'])
    expect(search.nextCursor.value).toBeNull()
  })

  it('searches nothing below minLength, empties the list, and drops an answer asked before', async () => {
    const requests: Pending[] = []
    const search = usePagedSearch<string>(query => new Promise(resolve => requests.push({ query, resolve })), { minLength: 2, debounce: 0 })
    search.query.value = 'be'
    await vi.waitFor(() => expect(requests).toHaveLength(1))
    search.query.value = 'b'
    await vi.waitFor(() => expect(search.searched.value).toBe(false))
    requests[0]!.resolve({ items: ['ben'], nextCursor: null })
    await flushPromises()
    expect(requests).toHaveLength(1)
    expect(search.items.value).toEqual([])
    expect(search.loading.value).toBe(false)
  })

  it('tells a failure to onError and keeps it in error until the next search', async () => {
    const failures: unknown[] = []
    let fail = true
    const search = usePagedSearch<string>(async () => {
      if (fail) throw new Error('down')
      return { items: ['ana'], nextCursor: null }
    }, { debounce: 0, onError: failure => failures.push(failure) })
    await vi.waitFor(() => expect(failures).toHaveLength(1))
    expect(search.error.value).toBeInstanceOf(Error)
    fail = false
    search.query.value = 'a'
    await vi.waitFor(() => expect(search.items.value).toEqual(['ana']))
    expect(search.error.value).toBeNull()
  })

  // A ban or a new name told live (composables/useUserChanges.ts) changes the rows held, not the search.
  it('applies a change told live to the pages loaded, searching nothing, and to an answer on its way', async () => {
    const requests: { cursor: string | null, resolve: (page: Page<string>) => void }[] = []
    const search = usePagedSearch<string>((_query, cursor) => new Promise(resolve => requests.push({ cursor, resolve })), { debounce: 0 })
    await vi.waitFor(() => expect(requests).toHaveLength(1))
    requests[0]!.resolve({ items: ['ana', 'ben'], nextCursor: 'next' })
    await vi.waitFor(() => expect(search.items.value).toEqual(['ana', 'ben']))
    void search.loadMore()
    await vi.waitFor(() => expect(requests).toHaveLength(2))
    // Cy is banned while the second page, read before, is on its way.
    const banCy = (name: string) => name === 'cy' ? 'cy (suspended)' : name
    search.update(banCy)
    requests[1]!.resolve({ items: ['cy'], nextCursor: null })
    await vi.waitFor(() => expect(search.items.value).toEqual(['ana', 'ben', 'cy (suspended)']))
    search.update(name => name === 'ben' ? 'Benjamin' : name)
    expect(search.items.value).toEqual(['ana', 'Benjamin', 'cy (suspended)'])
    await flushPromises()
    expect(requests).toHaveLength(2)
  })
})
