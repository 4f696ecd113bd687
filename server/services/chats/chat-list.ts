import type { ReadyChat } from '#shared/types/api'
import { ChatModel, findByIds, loadById, UserChatEntryModel, UserChatsModel, userChatEntryId, type ChatRecord, type UserChatEntryRecord } from '../../models'
import { apiError, isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { errorName, logger } from '../../utils/logger'

// The per-user chat list: a folded snapshot plus numbered entries, all read by `_id`.
//
// FerretDB runs `$addToSet`/`$pull` as read-then-write, so two instances changing one
// user's list at once could lose a chat. Instead every change inserts the user's next
// numbered entry (`<userId>:<n>`): the insert arbitrates between instances on both
// engines, and the loser takes the next number. The snapshot (`chatIds` folded through
// entry `through`) is rewritten whole after each change; a reader takes it and folds the
// entries after it, up to the first number not written (normally one miss). Entries never
// change, so even a snapshot overwritten by an older one is a correct fold: a reader just
// folds a little more.

const MAX_ENTRY_CLAIMS = 50

interface UserChatList { chatIds: string[], through: number }
type UserChatChange = Pick<UserChatEntryRecord, 'op' | 'chatId'>

function applyChange(chatIds: string[], change: UserChatChange): string[] {
  if (change.op === 'remove') return chatIds.filter(id => id !== change.chatId)
  return chatIds.includes(change.chatId) ? chatIds : [...chatIds, change.chatId]
}

function changesNothing(list: UserChatList, change: UserChatChange): boolean {
  return list.chatIds.includes(change.chatId) === (change.op === 'add')
}

/** Folds the entries written after `list.through`, up to the first number not written yet. */
async function foldEntries(userId: string, list: UserChatList): Promise<UserChatList> {
  let { chatIds, through } = list
  for (;;) {
    const entry = await loadById<UserChatEntryRecord>(UserChatEntryModel, userChatEntryId(userId, through + 1))
    if (!entry) return { chatIds, through }
    chatIds = applyChange(chatIds, entry)
    through++
  }
}

async function saveSnapshot(userId: string, list: UserChatList): Promise<void> {
  await UserChatsModel.updateOne({ _id: userId }, { $set: { chatIds: list.chatIds, through: list.through } }, { upsert: true }).exec()
}

async function readUserChats(userId: string): Promise<UserChatList & { stale: boolean }> {
  const snapshot = await loadById<{ chatIds: string[], through: number }>(UserChatsModel, userId)
  const stored = { chatIds: snapshot?.chatIds ?? [], through: snapshot?.through ?? 0 }
  const list = await foldEntries(userId, stored)
  return { ...list, stale: list.through > stored.through }
}

/** Inserts the change as the user's next entry; a number another instance took first is folded in. */
async function appendEntry(userId: string, start: UserChatList, change: UserChatChange): Promise<UserChatList> {
  let list = start
  for (let attempt = 0; attempt < MAX_ENTRY_CLAIMS; attempt++) {
    if (changesNothing(list, change)) return list
    try {
      await UserChatEntryModel.create({ _id: userChatEntryId(userId, list.through + 1), ...change, at: new Date() })
      return { chatIds: applyChange(list.chatIds, change), through: list.through + 1 }
    }
    catch (error) {
      if (!isDuplicateKeyError(error)) throw error
      list = await foldEntries(userId, list)
    }
  }
  throw apiError('conflict', 'Too many changes at once; try again.')
}

/** One change of one user's list; the per-user lock keeps this instance's own changes from racing. */
async function changeUserChats(userId: string, change: UserChatChange): Promise<void> {
  await withLock(`userchats:${userId}`, async () => {
    const list = await readUserChats(userId)
    if (changesNothing(list, change)) return
    await saveSnapshot(userId, await appendEntry(userId, list, change))
  })
}

export async function addToUserChats(userIds: string[], chatId: string): Promise<void> {
  await Promise.all(userIds.map(userId => changeUserChats(userId, { op: 'add', chatId })))
}

export async function removeFromUserChats(userIds: string[], chatId: string): Promise<void> {
  await Promise.all(userIds.map(userId => changeUserChats(userId, { op: 'remove', chatId })))
}

export async function userChatIds(userId: string): Promise<string[]> {
  const list = await readUserChats(userId)
  // A snapshot left behind (another instance's write overtook ours) is refreshed for the next reader.
  if (list.stale) {
    withLock(`userchats:${userId}`, async () => saveSnapshot(userId, await readUserChats(userId)))
      .catch((error: unknown) => logger.warn('chat list snapshot refresh failed', { error: errorName(error) }))
  }
  return list.chatIds
}

export async function userChats(userId: string): Promise<ChatRecord[]> {
  const ids = await userChatIds(userId)
  return findByIds<ChatRecord>(ChatModel, ids)
}

/** `ready.chats`: every chat of the user with its counters. */
export async function readyChats(userId: string): Promise<ReadyChat[]> {
  return (await userChats(userId)).map(chat => ({ id: chat._id.toHexString(), lastSeq: chat.lastSeq, lastChangeSeq: chat.lastChangeSeq }))
}

/** Forgets a deleted account's chat list, snapshot and entries. */
export async function forgetUserChatList(userId: string): Promise<void> {
  await Promise.all([
    UserChatsModel.deleteOne({ _id: userId }).exec(),
    UserChatEntryModel.deleteMany({ _id: { $regex: `^${userId}:` } }).exec(),
  ])
}
