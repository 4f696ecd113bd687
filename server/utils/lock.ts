import { Mutex } from 'async-mutex'

interface Entry { mutex: Mutex, users: number }
const locks = new Map<string, Entry>()

/**
 * Runs `task` while holding the in-process lock named `key` ("chat:<id>", "session:<id>").
 * Every read-modify-write of one document goes through here: the embedded FerretDB
 * does not make them atomic (docs/database.md). Between instances, unique keys arbitrate.
 * Idle keys are forgotten, so the map only holds keys that are in use.
 */
export async function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  let entry = locks.get(key)
  if (!entry) {
    entry = { mutex: new Mutex(), users: 0 }
    locks.set(key, entry)
  }
  entry.users++
  try {
    return await entry.mutex.runExclusive(task)
  }
  finally {
    if (--entry.users === 0) locks.delete(key)
  }
}

/** How many keys are held or awaited right now (for tests and diagnostics). */
export function activeLockCount(): number {
  return locks.size
}
