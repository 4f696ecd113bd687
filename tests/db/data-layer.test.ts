import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Schema, type Connection } from 'mongoose'
import { connectDatabase, freshDatabaseUri } from '../harness/db'

let connection: Connection

const itemSchema = new Schema({
  _id: String,
  chatId: { type: String, required: true },
  seq: { type: Number, required: true },
  text: String,
}, { timestamps: true })
itemSchema.index({ chatId: 1, seq: 1 }, { unique: true })

beforeAll(async () => {
  connection = await connectDatabase(freshDatabaseUri(inject('mongoUri'), 'datalayer'))
})
afterAll(async () => {
  await connection.dropDatabase()
  await connection.close()
})

describe('the embedded engine serves what the services rely on', () => {
  it('looks a document up by _id through the index (the patch took)', async () => {
    const Item = connection.model('ExplainItem', itemSchema)
    await Item.create({ _id: 'k1', chatId: 'c', seq: 1 })
    const plan = JSON.stringify(await Item.find({ _id: 'k1' }).explain())
    expect(plan).toContain('USING INDEX')
  })

  it('looks a list of keys up through the same index, alone or beside other fields (the second patch took)', async () => {
    const Item = connection.model('ExplainListItem', itemSchema)
    const ids = Array.from({ length: 50 }, (_, i) => `l${i}`)
    await Item.insertMany(ids.map((_id, i) => ({ _id, chatId: 'c', seq: i + 1 })))
    for (const filter of [{ _id: { $in: ids } }, { _id: { $in: ids }, chatId: 'c' }, { _id: 'l3', chatId: 'c' }]) {
      const plan = JSON.stringify(await Item.find(filter).explain())
      expect(plan, JSON.stringify(filter)).toContain('USING INDEX')
    }
    // The handler still applies the whole filter to the rows the index selected.
    const page = await Item.find({ _id: { $in: [...ids.slice(0, 5), 'missing'] }, seq: { $gt: 2 } }).sort({ seq: 1 }).lean()
    expect(page.map(item => item._id)).toEqual(['l2', 'l3', 'l4'])
    expect(await Item.find({ _id: { $in: [] } }).lean()).toEqual([])
  })

  it('creates unique and compound indexes at start and enforces them on insert', async () => {
    const Item = connection.model('IndexedItem', itemSchema)
    await Item.createIndexes()
    const indexes = await Item.listIndexes()
    expect(indexes.map(index => index.key)).toContainEqual({ chatId: 1, seq: 1 })
    await Item.create({ _id: 'a', chatId: 'c', seq: 1 })
    await expect(Item.create({ _id: 'b', chatId: 'c', seq: 1 })).rejects.toMatchObject({ code: 11000 })
  })

  it('sorts and limits, counts, and returns the updated document', async () => {
    const Item = connection.model('PagedItem', itemSchema)
    await Item.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `p${i}`, chatId: 'c', seq: i + 1 })))
    const page = await Item.find({ chatId: 'c', seq: { $lte: 15 } }).sort({ seq: -1 }).limit(5).lean()
    expect(page.map(item => item.seq)).toEqual([15, 14, 13, 12, 11])
    expect(await Item.countDocuments({ chatId: 'c' })).toBe(20)
    const updated = await Item.findOneAndUpdate({ _id: 'p0' }, { $set: { text: 'hello' } }, { returnDocument: 'after' }).lean()
    expect(updated?.text).toBe('hello')
  })
})
