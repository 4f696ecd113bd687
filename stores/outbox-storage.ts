/**
 * The outbox's lists in localStorage, shared by every tab of the person. A tab never writes
 * its whole list over the stored one (two tabs of one person would undo each other's, and a
 * message queued in one be lost at the other's next write): it writes the entries it holds,
 * drops those it let go, and keeps every other entry as stored (docs/ui.md, "Sending").
 */

/** A list kept in localStorage under `key`: the entries that look whole (`keep`), or none. */
export function readList<T>(key: string, keep: (entry: T) => boolean): T[] {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(key)
    const parsed: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(parsed) ? (parsed as T[]).filter(entry => entry && keep(entry)) : []
  }
  catch {
    return []
  }
}

/**
 * Writes this tab's `held` entries into the list under `key`, removes those in `letGo`
 * (sent, discarded, or said not sent here), and keeps the other tabs' entries as they are.
 */
export function mergeList<T>(key: string | null, held: readonly T[], letGo: ReadonlySet<string>, idOf: (entry: T) => string, keep: (entry: T) => boolean) {
  if (!key || typeof localStorage === 'undefined') return
  const heldIds = new Set(held.map(idOf))
  const others = readList<T>(key, keep).filter(entry => !heldIds.has(idOf(entry)) && !letGo.has(idOf(entry)))
  const list = [...others, ...held]
  if (list.length === 0) localStorage.removeItem(key)
  else localStorage.setItem(key, JSON.stringify(list))
}

/**
 * Runs `send` only if no other tab is sending the message `id` (a Web Lock named after it,
 * given up at once when taken): the other tab's answer settles it here too. Null when taken.
 * A browser without Web Locks runs it (the server still stores a clientId at most once).
 */
export async function whileClaimed<T>(id: string, send: () => Promise<T>): Promise<{ result: T } | null> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks) return { result: await send() }
  // The failure is carried out of the lock, not thrown in it, so the lock goes the same way.
  const outcome = await locks.request(`parley:outbox-send:${id}`, { ifAvailable: true }, async (lock) => {
    if (!lock) return null
    try {
      return { result: await send() }
    }
    catch (error) {
      return { error }
    }
  })
  if (outcome && 'error' in outcome) throw outcome.error
  return outcome
}
