import { randomBytes } from 'node:crypto'
import mongoose, { type Connection } from 'mongoose'

// The tests' one database connector. API and browser tests reach the database of the
// server they started (for what a person cannot do through the app, such as making the
// first admin); service tests get a fresh database of their own.

const OPTIONS = { serverSelectionTimeoutMS: 5_000 }

/** The address of a fresh, uniquely named database on the server at `uri`. */
export function freshDatabaseUri(uri: string, prefix = 'test'): string {
  const url = new URL(uri)
  url.pathname = `/${prefix}_${randomBytes(4).toString('hex')}`
  return url.toString()
}

/** A connection of its own to `uri` (close it when done). */
export function connectDatabase(uri: string): Promise<Connection> {
  return mongoose.createConnection(uri, OPTIONS).asPromise()
}

/** Points mongoose's default connection, the one the server's models use, at `uri`. */
export function connectDefaultDatabase(uri: string, options: { monitorCommands?: boolean } = {}): Promise<typeof mongoose> {
  return mongoose.connect(uri, { ...OPTIONS, monitorCommands: options.monitorCommands ?? false })
}
