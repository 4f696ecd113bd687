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
})
