import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Schema, type Connection } from 'mongoose'
import { H3Error } from 'h3'
import { withLock } from '../../server/utils/lock'
import { conflictOnDuplicate } from '../../server/utils/errors'
import { connectDatabase, freshDatabaseUri } from '../harness/db'

let connection: Connection

beforeAll(async () => {
  connection = await connectDatabase(freshDatabaseUri(inject('mongoUri'), 'concurrency'))
})
afterAll(async () => {
  await connection.dropDatabase()
  await connection.close()
})

describe('read-modify-write on the embedded engine', () => {
  it('keeps all 200 concurrent increments when they go through the keyed lock', async () => {
    const Counter = connection.model('Counter', new Schema({ _id: String, n: Number }))
    await Counter.create({ _id: 'c', n: 0 })
    await Promise.all(Array.from({ length: 200 }, () =>
      withLock('counter:c', () => Counter.findOneAndUpdate({ _id: 'c' }, { $inc: { n: 1 } }, { returnDocument: 'after' }).exec()),
    ))
    const counter = await Counter.findById('c').lean()
    expect(counter?.n).toBe(200)
  })

  it('lets a unique key arbitrate two racing inserts: one succeeds, one gets 409', async () => {
    const Key = connection.model('UniqueKey', new Schema({ _id: String, owner: String }))
    const results = await Promise.allSettled(['alice', 'bob'].map(owner =>
      conflictOnDuplicate(() => Key.create({ _id: 'username:ana', owner }), 'username_taken'),
    ))
    const fulfilled = results.filter(result => result.status === 'fulfilled')
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    expect(fulfilled).toHaveLength(1)
    expect(rejected).toHaveLength(1)
    const error = rejected[0]!.reason as H3Error
    expect(error).toBeInstanceOf(H3Error)
    expect(error.statusCode).toBe(409)
    expect(error.data).toEqual({ code: 'username_taken' })
  })

  it('also answers 409 for a unique violation caused by an update', async () => {
    const Account = connection.model('Account', new Schema({ email: { type: String, unique: true } }))
    await Account.init()
    await Account.create([{ email: 'a@example.com' }, { email: 'b@example.com' }])
    const write = () => Account.updateOne({ email: 'b@example.com' }, { $set: { email: 'a@example.com' } }).exec()
    await expect(conflictOnDuplicate(write, 'email_taken')).rejects.toMatchObject({ statusCode: 409, data: { code: 'email_taken' } })
  })
})
