import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import mongoose from 'mongoose'
import { createChat } from '../../server/services/chats/chats'
import { sendMessage } from '../../server/services/messages/send'
import { forgetSendCache } from '../../server/services/messages/send-cache'
import { connectServices, createTestUser, disconnectServices, type CommandRecord } from '../harness/services'

// Counts the database commands of one send, split into those sent while the chat's lock
// is held and those before or after it.

const lock = vi.hoisted(() => ({ depth: 0 }))
vi.mock('../../server/utils/lock', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/utils/lock')>()
  return {
    ...original,
    withLock: <T>(key: string, task: () => Promise<T>) => original.withLock(key, async () => {
      if (!key.startsWith('chat:')) return task()
      lock.depth++
      try {
        return await task()
      }
      finally {
        lock.depth--
      }
    }),
  }
})

interface Split { inside: CommandRecord[], outside: CommandRecord[] }

async function measure(task: () => Promise<unknown>): Promise<Split> {
  const split: Split = { inside: [], outside: [] }
  const client = mongoose.connection.getClient()
  const listener = (event: { commandName: string, command: Record<string, unknown> }) => {
    if (!['find', 'insert', 'update', 'delete', 'findAndModify', 'aggregate', 'count', 'distinct'].includes(event.commandName)) return
    const record = { name: event.commandName, collection: String(event.command[event.commandName]), filter: null }
    ;(lock.depth > 0 ? split.inside : split.outside).push(record)
  }
  client.on('commandStarted', listener)
  try {
    await task()
  }
  finally {
    client.off('commandStarted', listener)
  }
  return split
}

function describeSplit(split: Split): string {
  const list = (commands: CommandRecord[]) => commands.map(command => `${command.name} ${command.collection}`).join(', ')
  return `outside ${split.outside.length} [${list(split.outside)}]; inside ${split.inside.length} [${list(split.inside)}]`
}

beforeAll(async () => {
  await connectServices('sendcost', { monitorCommands: true })
})
afterAll(async () => {
  await disconnectServices()
})

describe('the database commands of a send', () => {
  it('prints them', async () => {
    const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
    const { chat } = await createChat(ana, { type: 'group', name: 'Measured', memberIds: [bob.userId] })
    await sendMessage(ana, chat.id, { content: 'warm up', clientId: 'w' })
    const withKey = await measure(() => sendMessage(ana, chat.id, { content: 'hello', clientId: 'c1' }))
    const without = await measure(() => sendMessage(ana, chat.id, { content: 'hello' }))
    forgetSendCache()
    const cold = await measure(() => sendMessage(ana, chat.id, { content: 'hello', clientId: 'c2' }))
    console.log(`with clientId: ${describeSplit(withKey)}\nwithout: ${describeSplit(without)}\ncold: ${describeSplit(cold)}`)
    expect(withKey.inside.length).toBeGreaterThan(0)
  })
})
