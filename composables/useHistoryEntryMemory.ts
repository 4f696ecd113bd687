/**
 * What a page held when it was left, kept per browser history entry (the channel and people
 * directories: the pages of results loaded and the scroll offset of their box). Back or
 * Forward to that entry gives it back, as a browser restores a page of its own; a fresh
 * visit (a link, a menu entry, a reload) finds nothing and starts anew. Kept in memory only,
 * for the last few entries. Proven by tests/e2e/directory-search.spec.ts ("Back or Forward
 * to a directory...").
 */

const KEPT_ENTRIES = 20
const kept = new Map<string, unknown>()

/** Set by plugins/history-arrival.client.ts: the navigation that ended last was Back or Forward. */
let arrivedByHistory = false
export function markHistoryArrival(byHistory: boolean) {
  arrivedByHistory = byHistory
}

/**
 * `restored` is what this page kept on this history entry, when the person came back to it
 * with Back or Forward; `keep` holds the page's latest state for that entry (call it as the
 * page is left). Client-only.
 */
export function useHistoryEntryMemory<T>(name: string): { restored: T | undefined, keep: (state: T) => void } {
  // Vue Router numbers each entry of the tab's history (`position`); a replace (the search
  // typed into `?q=`) keeps it. The key is read now: as the page is left it is the next entry's.
  const position = (window.history.state as { position?: unknown } | null)?.position
  const key = typeof position === 'number' ? `${name}@${position}` : null
  // A push to a position once left behind reuses its number: only Back/Forward reads it.
  const restored = key && arrivedByHistory ? kept.get(key) as T | undefined : undefined
  function keep(state: T) {
    if (!key) return
    kept.delete(key)
    kept.set(key, state)
    if (kept.size > KEPT_ENTRIES) kept.delete(kept.keys().next().value!)
  }
  return { restored, keep }
}
