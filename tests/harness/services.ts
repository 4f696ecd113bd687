import mongoose, { Types } from 'mongoose'
import { inject } from 'vitest'
import { uniqueName } from './api-client'
import { connectDefaultDatabase, freshDatabaseUri } from './db'
import { UserKeyModel, UserModel, usernameKey } from '../../server/models/user'
import type { Actor } from '../../server/utils/auth'
import { loadServerConfig, type RuntimeConfigInput } from '../../server/utils/config'

// Service-level tests run the real services on the default mongoose connection, pointed
// at a fresh database of the test FerretDB, with the test servers' configuration
// (scripts/lib/stack.mjs TEST_SERVER_ENV: the suite sends far faster than a person) and
// the in-process bus.
const TEST_SERVER_CONFIG: RuntimeConfigInput = { limits: { sendRate: 100_000, sendBurst: 100_000 } }

export interface CommandRecord { name: string, collection: string, filter: unknown }

export async function connectServices(prefix: string, options: { monitorCommands?: boolean, config?: RuntimeConfigInput } = {}): Promise<typeof mongoose> {
  loadServerConfig(options.config ?? TEST_SERVER_CONFIG)
  await connectDefaultDatabase(freshDatabaseUri(inject('mongoUri'), prefix), options)
  const { ALL_MODELS } = await import('../../server/models')
  await Promise.all(ALL_MODELS.map(model => model.createIndexes()))
  return mongoose
}

export async function disconnectServices(): Promise<void> {
  const { settleCleanups } = await import('../../server/services/chats/chats')
  await settleCleanups()
  await mongoose.connection.dropDatabase().catch(() => {})
  await mongoose.disconnect()
}

/** A user stored directly (service tests run without a server, so without sign-up). */
export async function createTestUser(role: Actor['role'] = 'user'): Promise<Pick<Actor, 'userId' | 'role'> & { username: string }> {
  const username = uniqueName()
  const user = await UserModel.create({ _id: new Types.ObjectId(), username, usernameLower: username.toLowerCase(), displayName: username, role })
  await UserKeyModel.create({ _id: usernameKey(username), userId: user._id })
  return { userId: String(user._id), role, username }
}

const READ_WRITE = new Set(['find', 'insert', 'update', 'delete', 'findAndModify', 'aggregate', 'count', 'distinct'])

/** Records the commands the driver sends while `task` runs (command monitoring). */
export async function recordCommands<T>(task: () => Promise<T>): Promise<{ result: T, commands: CommandRecord[] }> {
  const commands: CommandRecord[] = []
  const client = mongoose.connection.getClient()
  const listener = (event: { commandName: string, command: Record<string, unknown> }) => {
    if (!READ_WRITE.has(event.commandName)) return
    const command = event.command
    const filters: unknown[] = []
    if (event.commandName === 'find' || event.commandName === 'count' || event.commandName === 'distinct') filters.push(command.filter ?? command.query)
    if (event.commandName === 'findAndModify') filters.push(command.query)
    if (event.commandName === 'update') for (const update of command.updates as { q: unknown }[]) filters.push(update.q)
    if (event.commandName === 'delete') for (const deletion of command.deletes as { q: unknown }[]) filters.push(deletion.q)
    if (event.commandName === 'aggregate') filters.push(command.pipeline)
    if (filters.length === 0) filters.push(null)
    for (const filter of filters) commands.push({ name: event.commandName, collection: String(command[event.commandName]), filter })
  }
  client.on('commandStarted', listener)
  try {
    const result = await task()
    return { result, commands }
  }
  finally {
    client.off('commandStarted', listener)
  }
}

function isKey(value: unknown): boolean {
  return typeof value === 'string' || value instanceof Types.ObjectId || (typeof value === 'object' && value !== null && (value as { _bsontype?: string })._bsontype === 'ObjectId')
}

/**
 * True when a filter is exactly `{ _id: <key> }` or `{ _id: { $in: [<keys>] } }` (up to
 * 1,000 keys): the only lookups the embedded engine answers from its index (docs/database.md).
 */
export function isIdLookup(filter: unknown): boolean {
  if (filter === null) return true // inserts carry no filter
  if (!filter || typeof filter !== 'object') return false
  const keys = Object.keys(filter)
  if (keys.length !== 1 || keys[0] !== '_id') return false
  const value = (filter as { _id: unknown })._id
  if (isKey(value)) return true
  if (!value || typeof value !== 'object' || Object.keys(value).join() !== '$in') return false
  const list = (value as { $in: unknown }).$in
  return Array.isArray(list) && list.length <= 1_000 && list.every(isKey)
}
