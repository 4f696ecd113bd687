import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import mongoose from 'mongoose'
import { ChatModel, MembershipModel, membershipId } from '../../server/models'
import { updateProfile } from '../../server/services/accounts/profile'
import { createChat, deleteChat } from '../../server/services/chats/chats'
import { removeMember, setMemberRole } from '../../server/services/chats/memberships'
import type { Actor } from '../../server/utils/auth'
import { sendMessage } from '../../server/services/messages/send'
import { forgetSendCache } from '../../server/services/messages/send-cache'
import { connectServices, createTestUser, disconnectServices, isIdLookup, recordCommands, type CommandRecord } from '../harness/services'

// The database commands of one send, split into those sent while the chat's lock is held
// and those before or after it (docs/database.md, "A send"), and the cache that spares the
// membership, chat and sender reads (server/services/messages/send-cache.ts): never trusted
// over a removal, forgotten at every change.

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

interface Split { inside: string[], outside: string[], all: CommandRecord[] }

/** The commands `task` sends, in order, as "command collection", split by whether a chat's lock was held. */
async function measure(task: () => Promise<unknown>): Promise<Split> {
  const inside: string[] = []
  const outside: string[] = []
  const client = mongoose.connection.getClient()
  const listener = (event: { commandName: string, command: Record<string, unknown> }) => {
    if (!READ_WRITE.has(event.commandName)) return
    ;(lock.depth > 0 ? inside : outside).push(`${event.commandName} ${String(event.command[event.commandName])}`)
  }
  client.on('commandStarted', listener)
  try {
    const { commands } = await recordCommands(task)
    return { inside, outside, all: commands }
  }
  finally {
    client.off('commandStarted', listener)
  }
}

const READ_WRITE = new Set(['find', 'insert', 'update', 'delete', 'findAndModify', 'aggregate', 'count', 'distinct'])

beforeAll(async () => {
  await connectServices('sendcost', { monitorCommands: true })
})
afterAll(async () => {
  await disconnectServices()
})

async function groupOfTwo() {
  const [ana, bob] = await Promise.all([createTestUser(), createTestUser()])
  const { chat } = await createChat(ana, { type: 'group', name: 'Measured', memberIds: [bob.userId] })
  await sendMessage(ana, chat.id, { content: 'warm up', clientId: 'warm' })
  return { ana, bob, chatId: chat.id }
}

describe('the database commands of a send', () => {
  // Before the cache (issue 16): with a clientId 3 outside the lock and 9 inside it
  // (membership and chat; the key, again, the chat, the key's insert, the change key, the
  // message, the counters, the sender, the sender's membership read and write).
  it('with a clientId and the cache warm: the key claimed before the lock, four inside it, nothing after it', async () => {
    const { ana, chatId } = await groupOfTwo()
    const split = await measure(() => sendMessage(ana, chatId, { content: 'hello', clientId: 'c1' }))
    // The chat's counters are the ones this instance stored last (chat-counters.ts): the key
    // is inserted at the slot after them before the lock, and no chat is read.
    expect(split.outside).toEqual(['insert clientidkeys'])
    // Four waits: the membership (read, and the sender's own seq noted: own-messages.ts), the
    // change key, the message, the counters.
    expect(split.inside).toEqual(['findAndModify memberships', 'insert messagechanges', 'insert messages', 'update chats'])
    expect(split.all.every(command => isIdLookup(command.filter))).toBe(true)
  })

  it('without a clientId: four inside the lock, none outside it', async () => {
    const { ana, chatId } = await groupOfTwo()
    const split = await measure(() => sendMessage(ana, chatId, { content: 'hello' }))
    expect(split.outside).toEqual([])
    expect(split.inside).toEqual(['findAndModify memberships', 'insert messagechanges', 'insert messages', 'update chats'])
  })

  it('with the cache cold: the chat, membership and sender read by `_id` once, then remembered', async () => {
    const { ana, chatId } = await groupOfTwo()
    forgetSendCache()
    const cold = await measure(() => sendMessage(ana, chatId, { content: 'hello', clientId: 'c1' }))
    expect(cold.outside.slice(0, 3).sort()).toEqual(['find chats', 'find memberships', 'find users'])
    // Without the chat's counters the key is read before the lock and claimed under it.
    expect(cold.outside.slice(3)).toEqual(['find clientidkeys'])
    expect(cold.inside).toEqual(['find chats', 'findAndModify memberships', 'insert clientidkeys', 'insert messagechanges', 'insert messages', 'update chats'])
    expect(cold.all.every(command => isIdLookup(command.filter))).toBe(true)
    const warm = await measure(() => sendMessage(ana, chatId, { content: 'hello', clientId: 'c2' }))
    expect(warm.outside).toEqual(['insert clientidkeys'])
  })

  it('reads the message replied to once, before the lock, and renders the reply from it', async () => {
    const { ana, chatId } = await groupOfTwo()
    const target = await sendMessage(ana, chatId, { content: 'the question' })
    const { result } = await recordCommands(() => sendMessage(ana, chatId, { content: 'the answer', replyToId: target.message.id }))
    expect(result.message.replyTo).toMatchObject({ id: target.message.id, content: 'the question' })
    const split = await measure(() => sendMessage(ana, chatId, { content: 'again', replyToId: target.message.id }))
    expect(split.outside).toEqual(['find messages'])
    expect(split.inside).toEqual(['findAndModify memberships', 'insert messagechanges', 'insert messages', 'update chats'])
  })

  it('answers a repeat from the key, before the rate limit and the lock', async () => {
    const { ana, chatId } = await groupOfTwo()
    const first = await sendMessage(ana, chatId, { content: 'once', clientId: 'once' })
    const split = await measure(() => sendMessage(ana, chatId, { content: 'once', clientId: 'once' }))
    expect(split.inside).toEqual([])
    // The key's insert meets the original's: a repeat, resolved from the key.
    expect(split.outside).toEqual(['insert clientidkeys', 'find clientidkeys', 'find messages'])
    const again = await sendMessage(ana, chatId, { content: 'once', clientId: 'once' })
    expect(again).toMatchObject({ created: false, message: { id: first.message.id } })
  })
})

describe('what the cache remembers never outlives the change', () => {
  it('a member removed on this instance cannot send right after the removal', async () => {
    const { ana, bob, chatId } = await groupOfTwo()
    await sendMessage(bob, chatId, { content: 'still here' }) // bob's membership is remembered
    await removeMember(ana, chatId, bob.userId)
    await expect(sendMessage(bob, chatId, { content: 'after removal' })).rejects.toMatchObject({ statusCode: 404 })
  })

  it('a member removed where this instance did not hear of it (another instance, the event lost) cannot store a message', async () => {
    const { bob, chatId } = await groupOfTwo()
    await sendMessage(bob, chatId, { content: 'still here' })
    // The removal as another instance writes it; no event reaches this one.
    await MembershipModel.deleteOne({ _id: membershipId(chatId, bob.userId) })
    const before = (await ChatModel.findById(chatId).lean())!.lastSeq
    const split = await measure(() => expect(sendMessage(bob, chatId, { content: 'after removal' })).rejects.toMatchObject({ statusCode: 404 }))
    // The remembered membership let the send reach the lock; the read under it refused it.
    expect(split.inside).toEqual(['findAndModify memberships'])
    expect((await ChatModel.findById(chatId).lean())!.lastSeq).toBe(before)
    // And it is forgotten: the next try is refused before the lock.
    const next = await measure(() => expect(sendMessage(bob, chatId, { content: 'again' })).rejects.toMatchObject({ statusCode: 404 }))
    expect(next.inside).toEqual([])
  })

  it('a renamed sender\'s new name is on their next message', async () => {
    const { ana, chatId } = await groupOfTwo()
    await updateProfile({ userId: ana.userId } as Actor, { displayName: 'Ana Renamed' })
    const split = await measure(async () => {
      const sent = await sendMessage(ana, chatId, { content: 'new name' })
      expect(sent.message.sender.displayName).toBe('Ana Renamed')
    })
    expect(split.outside).toContain('find users')
  })

  it('a changed role is read again at the next send', async () => {
    const { ana, bob, chatId } = await groupOfTwo()
    await sendMessage(bob, chatId, { content: 'remembered' })
    await setMemberRole(ana, chatId, bob.userId, 'admin')
    const split = await measure(() => sendMessage(bob, chatId, { content: 'as admin' }))
    expect(split.outside[0]).toBe('find memberships')
  })

  it('a deleted chat refuses the next send, remembered or not', async () => {
    const { ana, chatId } = await groupOfTwo()
    await deleteChat(ana, chatId)
    await expect(sendMessage(ana, chatId, { content: 'into the void' })).rejects.toMatchObject({ statusCode: 404 })
  })
})
