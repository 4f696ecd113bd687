import { loadById, MAX_KEYS_PER_COMMAND } from './coalesce'

export { MAX_KEYS_PER_COMMAND }

/** What findByIds needs of a model (every mongoose model has it). */
interface FindableModel {
  // `never`: each model types its own filter; the keys given are cast by the model's schema.
  find: (filter: never, projection?: never) => { lean: () => { exec: () => Promise<unknown> } }
}

/**
 * Documents by a list of `_id`s: one `find({ _id: { $in } })` command per 1,000 keys,
 * the embedded engine's indexed form of a list of keys (docs/database.md), instead of
 * one command per key. Returns the documents found, in no particular order; a key
 * twice in the list is asked for once, and no keys cost no command. Whole documents are read
 * through the command coalescing of ./coalesce.ts, so lists asked for at once by concurrent
 * requests (catch-ups, `ready`s) share one command.
 */
export async function findByIds<T>(model: FindableModel, ids: readonly unknown[], projection?: Record<string, 0 | 1>): Promise<T[]> {
  const unique = [...new Map(ids.map(id => [String(id), id])).values()]
  if (unique.length === 0) return []
  if (!projection) {
    const found = await Promise.all(unique.map(id => loadById<T>(model as never, id)))
    return found.filter((doc): doc is Awaited<T> => doc !== null) as T[]
  }
  const batches: unknown[][] = []
  for (let start = 0; start < unique.length; start += MAX_KEYS_PER_COMMAND) batches.push(unique.slice(start, start + MAX_KEYS_PER_COMMAND))
  const found = await Promise.all(batches.map(batch => model.find({ _id: { $in: batch } } as never, projection as never).lean().exec() as Promise<T[]>))
  return found.flat()
}

/** Like findByIds, keyed by each document's `_id` as a string. */
export async function mapByIds<T extends { _id: unknown }>(model: FindableModel, ids: readonly unknown[], projection?: Record<string, 0 | 1>): Promise<Map<string, T>> {
  const docs = await findByIds<T>(model, ids, projection)
  return new Map(docs.map(doc => [String(doc._id), doc]))
}
