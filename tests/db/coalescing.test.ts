import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import mongoose, { Types } from 'mongoose'
import { ChatModel, insertDocument, loadById, MembershipModel, MessageChangeModel, updateById, type ChatRecord } from '../../server/models'
import { createChat } from '../../server/services/chats/chats'
import { sendMessage } from '../../server/services/messages/send'
import { isDuplicateKeyError } from '../../server/utils/errors'
import { connectServices, createTestUser, disconnectServices } from '../harness/services'

// Command coalescing (server/models/coalesce.ts, docs/database.md "Command coalescing"): what
// the hot paths read, insert and update by `_id` during one turn of the event loop goes out as
// one command per collection and kind, and each caller still gets its own outcome.

interface Sent { name: string, collection: string, items: number }

/** Every command the driver sends while `task` runs, with how many documents or statements it carries. */
async function commandsOf(task: () => Promise<unknown>): Promise<Sent[]> {
  const sent: Sent[] = []
  const client = mongoose.connection.getClient()
  const listener = (event: { commandName: string, command: Record<string, unknown> }) => {
    const { commandName: name, command } = event
    if (!['find', 'insert', 'update', 'findAndModify'].includes(name)) return
    const items = name === 'insert'
      ? (command.documents as unknown[]).length
      : name === 'update'
        ? (command.updates as unknown[]).length
        : name === 'find'
          ? ((command.filter as { _id?: { $in?: unknown[] } })._id?.$in?.length ?? 1)
          : 1
    sent.push({ name, collection: String(command[name]), items })
  }
  client.on('commandStarted', listener)
  try {
    await task()
    return sent
  }
  finally {
    client.off('commandStarted', listener)
  }
}

const count = (sent: Sent[], name: string, collection: string) => sent.filter(command => command.name === name && command.collection === collection)

beforeAll(async () => {
  await connectServices('coalescing', { monitorCommands: true })
})
afterAll(async () => {
  await disconnectServices()
})

describe('command coalescing', () => {
  it('sends to twenty chats at once store their messages in one insert, not twenty', async () => {
    const people = await Promise.all(Array.from({ length: 20 }, () => createTestUser()))
    const friend = await createTestUser()
    const chats = await Promise.all(people.map(person => createChat(person, { type: 'group', name: 'Busy', memberIds: [friend.userId] })))
    // Each person's first send warms this instance's send cache, as a running server's are.
    await Promise.all(people.map((person, index) => sendMessage(person, chats[index]!.chat.id, { content: 'warm', clientId: 'warm' })))

    // Each send's membership is one findAndModify of its own (no batch carries one), whose
    // answers come back one by one; held until all twenty are in, the sends go on from there
    // together, as the sends of one moment under load do, and not as fast as this machine
    // happens to answer.
    const findOneAndUpdate = MembershipModel.collection.findOneAndUpdate.bind(MembershipModel.collection) as (...args: unknown[]) => Promise<unknown>
    const held: (() => void)[] = []
    const together = vi.spyOn(MembershipModel.collection, 'findOneAndUpdate').mockImplementation((async (...args: unknown[]) => {
      const answer = await findOneAndUpdate(...args)
      await new Promise<void>((resolve) => {
        held.push(resolve)
        if (held.length === people.length) for (const release of held) release()
      })
      return answer
    }) as never)
    const sent = await commandsOf(() => Promise.all(people.map((person, index) => sendMessage(person, chats[index]!.chat.id, { content: `hello ${index}`, clientId: `c${index}` })))).finally(() => together.mockRestore())
    const messageInserts = count(sent, 'insert', 'messages')
    expect(messageInserts.reduce((sum, command) => sum + command.items, 0)).toBe(20)
    expect(messageInserts).toHaveLength(1)
    // Every other step of the twenty went out together: each kind of command once. The
    // chats' counters are remembered from the warm-up sends: no chat is read, and each key is
    // claimed before the lock instead of read there.
    for (const [name, collection] of [['insert', 'clientidkeys'], ['insert', 'messagechanges'], ['update', 'chats']] as const) {
      expect(count(sent, name, collection), `${name} ${collection}`).toEqual([{ name, collection, items: 20 }])
    }
    // The membership's read and the sender's own seq are one findAndModify each, which no
    // batch can carry (docs/database.md, "One command for the membership").
    expect(count(sent, 'findAndModify', 'memberships')).toHaveLength(20)
    expect([...count(sent, 'find', 'memberships'), ...count(sent, 'update', 'memberships')]).toEqual([])
    expect(count(sent, 'find', 'chats')).toEqual([])
    expect(count(sent, 'find', 'clientidkeys')).toEqual([])
    // And every message is stored at its own seq, readable.
    for (const [index, { chat }] of chats.entries()) {
      const stored = await loadById<ChatRecord>(ChatModel, chat.id)
      expect(stored?.lastSeq, `chat ${index}`).toBe(2)
    }
  })

  it('a duplicate key fails only its own insert of the batch', async () => {
    const taken = `coalesce-${new Types.ObjectId().toHexString()}`
    await insertDocument(MessageChangeModel, { _id: taken, messageId: new Types.ObjectId() })
    const fresh = [`${taken}-a`, `${taken}-b`]
    let outcomes: PromiseSettledResult<void>[] = []
    const sent = await commandsOf(async () => {
      outcomes = await Promise.allSettled([fresh[0]!, taken, fresh[1]!].map(_id => insertDocument(MessageChangeModel, { _id, messageId: new Types.ObjectId() })))
    })
    expect(count(sent, 'insert', 'messagechanges')).toEqual([{ name: 'insert', collection: 'messagechanges', items: 3 }])
    expect(outcomes.map(outcome => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(isDuplicateKeyError((outcomes[1] as PromiseRejectedResult).reason)).toBe(true)
    const stored = await MessageChangeModel.find({ _id: { $in: fresh } }).lean()
    expect(stored).toHaveLength(2)
  })

  it('reads of one turn are one `$in`; a key asked for twice gives each caller its own copy; a missing key is null', async () => {
    const owner = await createTestUser()
    const [first, second] = await Promise.all([
      createChat(owner, { type: 'group', name: 'One', memberIds: [] }),
      createChat(owner, { type: 'group', name: 'Two', memberIds: [] }),
    ])
    let found: (ChatRecord | null)[] = []
    const sent = await commandsOf(async () => {
      found = await Promise.all([first.chat.id, second.chat.id, first.chat.id, new Types.ObjectId().toHexString()].map(id => loadById<ChatRecord>(ChatModel, id)))
    })
    expect(count(sent, 'find', 'chats')).toEqual([{ name: 'find', collection: 'chats', items: 4 }])
    expect(found.map(chat => chat?.name ?? null)).toEqual(['One', 'Two', 'One', null])
    expect(found[2]).toEqual(found[0])
    expect(found[2]).not.toBe(found[0])
  })

  it('updates of one turn are one command; each applies', async () => {
    const owner = await createTestUser()
    const chats = await Promise.all(['A', 'B', 'C'].map(name => createChat(owner, { type: 'group', name, memberIds: [] })))
    const sent = await commandsOf(() => Promise.all(chats.map(({ chat }, index) => updateById(ChatModel, chat.id, { $max: { lastChangeSeq: 100 + index } }))))
    expect(count(sent, 'update', 'chats')).toEqual([{ name: 'update', collection: 'chats', items: 3 }])
    const stored = await Promise.all(chats.map(({ chat }) => ChatModel.findById(chat.id).lean()))
    expect(stored.map(chat => chat?.lastChangeSeq)).toEqual([100, 101, 102])
    // Through the schema: the timestamps move as with updateOne.
    expect(stored.every(chat => chat!.updatedAt.getTime() >= chat!.createdAt.getTime())).toBe(true)
  })
})
