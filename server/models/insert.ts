import type { Model, Types } from 'mongoose'
import { insertCoalesced } from './coalesce'

/** A model's fields as the driver stores them: subdocument arrays as plain arrays. */
export type StoredFields<T> = { [K in keyof T]: T[K] extends Types.DocumentArray<infer Item> ? Item[] : T[K] }

/**
 * Inserts a document the server built with every field already of its schema's type, straight
 * through the driver: no mongoose document is hydrated, cast or validated (that was about a
 * sixth of a send's CPU, docs/benchmarks.md). Only for hot inserts whose fields are all given;
 * a duplicate `_id` throws the driver's duplicate-key error, as `Model.create` does
 * (utils/errors.ts, isDuplicateKeyError), on both engines. Inserts of one turn of the event
 * loop go out as one command (./coalesce.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model's helpers and hydrated type; only its fields matter here
export async function insertDocument<T>(model: Model<T, any, any, any, any, any, any>, doc: NoInfer<StoredFields<T>> & { _id: unknown }): Promise<void> {
  await insertCoalesced(model, doc)
}
