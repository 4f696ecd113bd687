import mongoose from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDatabase } from '../../scripts/lib/stack.mjs'
import { ChatModel, ClientIdKeyModel, insertDocument, loadById, updateById } from '../../server/models'
import { loadServerConfig } from '../../server/utils/config'
import { connectDatabase } from '../../server/utils/database'
import { toApiError } from '../../server/utils/errors'

// A database that dies under the hot paths' coalesced commands (server/models/coalesce.ts).
// The driver reports a multi-document write (insertMany, bulkWrite) that never reached the
// engine as MongoBulkWriteError, not as the network failure it wraps. Every caller must still
// be answered 503 `unavailable` with Retry-After, which clients retry (docs/guarantees.md),
// not 500 `internal_error` (seen in tests/faults/database.test.ts before the fix).

let database: Awaited<ReturnType<typeof startDatabase>>

beforeAll(async () => {
  loadServerConfig({})
  database = await startDatabase()
  // The server's own connection, with its deadlines (server/utils/database.ts).
  await connectDatabase(database.uri)
  await ChatModel.collection.insertOne({ _id: 'warm' } as never)
  await database.stop()
})

afterAll(async () => {
  await mongoose.disconnect()
})

const unavailable = { body: { statusCode: 503, data: { code: 'unavailable' } }, retryAfter: expect.any(Number) }

describe('a database that is gone', () => {
  it('answers a multi-document write the driver could not send as unavailable', async () => {
    const collection = mongoose.connection.getClient().db().collection<{ _id: string }>('probes')
    const failures = await Promise.all([
      collection.insertMany([{ _id: 'a' }, { _id: 'b' }], { ordered: false }).then(() => null, (error: unknown) => error),
      collection.bulkWrite([{ updateOne: { filter: { _id: 'a' }, update: { $set: { seen: true } } } }], { ordered: false }).then(() => null, (error: unknown) => error),
    ])
    expect(failures.map(failure => (failure as Error | null)?.name)).toEqual(['MongoBulkWriteError', 'MongoBulkWriteError'])
    for (const failure of failures) expect(toApiError(failure)).toMatchObject(unavailable)
  })

  it('answers every caller of a coalesced read, insert and update as unavailable', async () => {
    // Two of each kind in one turn: one command each, carrying both (models/coalesce.ts).
    const calls = [
      insertDocument(ClientIdKeyModel, { _id: 'key-1', messageId: new mongoose.Types.ObjectId(), claimedAt: new Date() }),
      insertDocument(ClientIdKeyModel, { _id: 'key-2', messageId: new mongoose.Types.ObjectId(), claimedAt: new Date() }),
      updateById(ChatModel, 'warm', { $max: { lastSeq: 1 } }, { raw: true }),
      updateById(ChatModel, 'other', { $max: { lastSeq: 1 } }, { raw: true }),
      loadById(ChatModel, new mongoose.Types.ObjectId()),
      loadById(ChatModel, new mongoose.Types.ObjectId()),
    ]
    const failures = await Promise.all(calls.map(call => call.then(() => null, (error: unknown) => error)))
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error)
      expect(toApiError(failure)).toMatchObject(unavailable)
    }
  })
})
