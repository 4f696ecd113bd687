import { ChatKeyModel, ChatModel, type ChatRecord } from '../../models'
import { isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { logger } from '../../utils/logger'
import { channelKey, channelNameKey, channelSearchKeys, heldChannelKey } from './channel-names'

// Once per start: channels stored before the directory's search keys (`searchKey`,
// `topicKey`) get them, so that "cafe" finds an old "Café" too; and a channel named before
// names were composed (NFC), which still holds the key of its name as typed ("e\u0301"),
// takes the composed key, so that nobody can create "\u00E9" beside it. One scan of the
// channels without a search key, then a few writes per old channel; none afterwards.

type OldChannel = Pick<ChatRecord, '_id' | 'name' | 'nameKey' | 'topic'>

/** Gives every channel without them its search keys and composed name key; returns how many it changed. */
export async function migrateChannelKeys(): Promise<number> {
  const old = await ChatModel.find({ type: 'channel', searchKey: null }, { _id: 1 }).lean<Pick<ChatRecord, '_id'>[]>().exec()
  let changed = 0
  for (const { _id } of old) {
    const chatId = _id.toHexString()
    // The same lock as a rename, which may be changing this channel's keys right now.
    if (await withLock(`chat:${chatId}`, () => migrateChannel(chatId))) changed++
  }
  return changed
}

async function migrateChannel(chatId: string): Promise<boolean> {
  const chat = await ChatModel.findById(chatId, { name: 1, nameKey: 1, topic: 1, searchKey: 1 }).lean<OldChannel & { searchKey?: string | null }>().exec()
  if (!chat || chat.searchKey) return false
  const set: Record<string, unknown> = channelSearchKeys(chat.name ?? '', chat.topic)
  const composed = channelNameKey(chat.name ?? '')
  if (chat.nameKey !== composed && await holdComposedKey(chatId, chat)) set.nameKey = composed
  await ChatModel.updateOne({ _id: chat._id }, { $set: set }).exec()
  return true
}

/** Moves a channel's uniqueness key to its composed name; false when another channel holds that already. */
async function holdComposedKey(chatId: string, chat: OldChannel): Promise<boolean> {
  const key = channelKey(chat.name ?? '')
  try {
    await ChatKeyModel.create({ _id: key, chatId })
  }
  catch (error) {
    if (!isDuplicateKeyError(error)) throw error
    const holder = await ChatKeyModel.findById(key).lean().exec()
    if (holder?.chatId !== chatId) {
      // Two channels whose names look alike were made before names were composed: both stay.
      logger.warn('channel keeps its uncomposed name key: the composed one is taken', { chatId })
      return false
    }
  }
  const held = heldChannelKey(chat)
  if (held !== key) await ChatKeyModel.deleteOne({ _id: held, chatId }).exec()
  return true
}
