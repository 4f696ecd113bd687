import DataLoader from 'dataloader'
import type { Model } from 'mongoose'

// Command coalescing. Under load, hundreds of sends, sign-ins and catch-ups are in flight at
// once, each reading and writing single documents by `_id`. Sent one command each, every one
// is a round trip through the driver, BSON and the engine; the embedded engine takes 50 inserts
// as one `insertMany` in 2 ms against 17 ms as 50 commands, 50 reads as one `$in` in 2 ms
// against 24 ms (docs/database.md, "Command coalescing"). So the reads, inserts and updates by
// `_id` of the hot paths go through here, as a group commit: while a command of one kind (one
// collection; read, insert or update) is being answered, the next callers of that kind wait
// and then go out together as one command. A lone caller waits for nothing and sends exactly
// the command it sent before (the counts of tests/db/*-cost.test.ts hold); under load the
// batches grow by themselves, and each caller still gets its own outcome: its document, or its
// own error (a duplicate key fails that insert only). tests/db/coalescing.test.ts proves it.
// The batching is `dataloader` (the GraphQL foundation's), with its cache off: nothing is
// remembered past the command, so a read never returns an older state than a lone read would.

/** The most keys one `$in` command asks for (tests/harness/services.ts, isIdLookup, holds the same bound). */
export const MAX_KEYS_PER_COMMAND = 1_000

// Any schema's model: each caller types what it reads with `loadById<T>`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any, any, any, any, any, any, any>

/**
 * A batch goes out as soon as the callers of this tick have joined it, unless a command of its
 * kind is still being answered: then it waits for that one, gathering everyone who arrives
 * meanwhile. One in flight per kind measured best (docs/benchmarks.md: four in flight kept
 * the batches small and the engine's queue long).
 */
const COMMANDS_IN_FLIGHT = 1

function loaderFor<K, V>(loaders: WeakMap<AnyModel, DataLoader<K, V>>, model: AnyModel, send: (keys: readonly K[]) => Promise<(V | Error)[]>): DataLoader<K, V> {
  let loader = loaders.get(model)
  if (!loader) {
    let inFlight = 0
    const parked: (() => void)[] = []
    const batch = async (keys: readonly K[]) => {
      inFlight++
      try {
        return await send(keys)
      }
      finally {
        inFlight--
        parked.shift()?.()
      }
    }
    const schedule = (dispatch: () => void) => {
      if (inFlight + parked.length < COMMANDS_IN_FLIGHT) process.nextTick(dispatch)
      else parked.push(dispatch)
    }
    loader = new DataLoader(batch, { cache: false, batchScheduleFn: schedule, maxBatchSize: MAX_KEYS_PER_COMMAND })
    loaders.set(model, loader)
  }
  return loader
}

/**
 * A copy of a document as the driver returned it: plain objects and arrays are copied,
 * everything else (ObjectId, Date, Buffer) is shared. Two callers of one key in one batch
 * must not see each other's changes to what they were given.
 */
function copyDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyDocument) as T
  if (value && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) return value
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, copyDocument(field)])) as T
  }
  return value
}

const readers = new WeakMap<AnyModel, DataLoader<unknown, unknown>>()

/**
 * `model.findById(id).lean()`, coalesced: the keys of one batch are one
 * `find({ _id: { $in } })` (cast by the model's schema, like findById), a key alone one findById.
 */
export function loadById<T>(model: AnyModel, id: unknown): Promise<T | null> {
  const loader = loaderFor(readers, model, async (keys: readonly unknown[]) => {
    if (keys.length === 1) return [await model.findById(keys[0]).lean().exec()]
    const found = await model.find({ _id: { $in: keys } }).lean().exec() as { _id: unknown }[]
    const byId = new Map(found.map(doc => [String(doc._id), doc]))
    const handedOut = new Set<string>()
    return keys.map((key) => {
      const doc = byId.get(String(key))
      if (!doc) return null
      if (handedOut.has(String(key))) return copyDocument(doc)
      handedOut.add(String(key))
      return doc
    })
  })
  return loader.load(id) as Promise<T | null>
}

interface WriteError { index: number, code?: number, errmsg?: string }

/**
 * Each statement's outcome from a multi-statement write: a statement the engine refused gets
 * its own error (the driver's code and message, so isDuplicateKeyError reads it as before);
 * a failure of the whole command (network, timeout) fails every statement, whose outcome the
 * caller treats as unknown, as it did with one command each.
 */
function outcomes(count: number, error: unknown): (true | Error)[] {
  const writeErrors = (error as { writeErrors?: WriteError | WriteError[] } | null)?.writeErrors
  const list = writeErrors === undefined ? [] : Array.isArray(writeErrors) ? writeErrors : [writeErrors]
  if (list.length === 0) return Array.from({ length: count }, () => error instanceof Error ? error : new Error(String(error)))
  const failed = new Map(list.map(writeError => [writeError.index, Object.assign(new Error(writeError.errmsg ?? 'Write failed'), { code: writeError.code })]))
  return Array.from({ length: count }, (_, index) => failed.get(index) ?? true)
}

const inserters = new WeakMap<AnyModel, DataLoader<object, true>>()

/** `collection.insertOne(doc)`, coalesced: the documents of one batch are one unordered `insertMany`. */
export async function insertCoalesced(model: AnyModel, doc: object): Promise<void> {
  const loader = loaderFor(inserters, model, async (docs: readonly object[]) => {
    try {
      if (docs.length === 1) await model.collection.insertOne(docs[0] as never)
      else await model.collection.insertMany(docs as never[], { ordered: false })
      return docs.map(() => true as const)
    }
    catch (error) {
      if (docs.length === 1) return [error instanceof Error ? error : new Error(String(error))]
      return outcomes(docs.length, error)
    }
  })
  await loader.load(doc)
}

interface UpdateStatement { id: unknown, update: Record<string, unknown> }

const updaters = new WeakMap<AnyModel, DataLoader<UpdateStatement, true>>()
const rawUpdaters = new WeakMap<AnyModel, DataLoader<UpdateStatement, true>>()

/**
 * `model.updateOne({ _id: id }, update)`, coalesced: the updates of one batch are one unordered
 * `bulkWrite`. Cast by the schema (timestamps included) unless `raw`, for values already of
 * their types sent straight through the driver. Only for updates whose order against another
 * update of the same document in the same batch does not matter (`$max`, `$push` under the
 * document's own lock): the engine may apply one command's statements in any order.
 */
export async function updateById(model: AnyModel, id: unknown, update: Record<string, unknown>, options: { raw?: boolean } = {}): Promise<void> {
  const loader = loaderFor(options.raw ? rawUpdaters : updaters, model, async (statements: readonly UpdateStatement[]) => {
    try {
      if (statements.length === 1) {
        const [{ id: only, update: change }] = statements as [UpdateStatement]
        if (options.raw) await model.collection.updateOne({ _id: only } as never, change as never)
        else await model.updateOne({ _id: only }, change).exec()
      }
      else {
        const operations = statements.map(statement => ({ updateOne: { filter: { _id: statement.id }, update: statement.update } }))
        if (options.raw) await model.collection.bulkWrite(operations as never[], { ordered: false })
        else await model.bulkWrite(operations as never[], { ordered: false })
      }
      return statements.map(() => true as const)
    }
    catch (error) {
      if (statements.length === 1) return [error instanceof Error ? error : new Error(String(error))]
      return outcomes(statements.length, error)
    }
  })
  await loader.load({ id, update })
}
