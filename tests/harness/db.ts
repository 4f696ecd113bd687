import { randomBytes } from 'node:crypto'
import mongoose, { type Connection } from 'mongoose'
import { inject } from 'vitest'

/** A connection to a fresh, uniquely named database on the test FerretDB. */
export async function connectTestDatabase(prefix = 'test'): Promise<Connection> {
  const uri = new URL(inject('mongoUri'))
  uri.pathname = `/${prefix}_${randomBytes(4).toString('hex')}`
  return mongoose.createConnection(uri.toString(), { serverSelectionTimeoutMS: 5_000 }).asPromise()
}
