import type { ChatFile } from '#shared/types/api'
import { toChatFile } from '../../dto/attachments'
import { ChatFileCounterModel, ChatFileModel, chatFileId } from '../../models'
import type { Actor } from '../../utils/auth'
import { requireMember } from '../chats/access'
import { loadAttachments } from './load'

// A chat's Files panel, newest first: the entries `<chatId>:<n>` from the cursor down, one
// `$in` for the entries and one for their attachments (never a scan of the chat's files).

export async function listChatFiles(actor: Pick<Actor, 'userId'>, chatId: string, query: { before?: string, limit: number }): Promise<{ items: ChatFile[], nextCursor: string | null }> {
  await requireMember(actor, chatId)
  const top = query.before !== undefined
    ? Number(query.before) - 1
    : (await ChatFileCounterModel.findById(chatId).lean().exec())?.last ?? 0
  const lowest = Math.max(1, top - query.limit + 1)
  if (top < 1) return { items: [], nextCursor: null }
  const numbers = Array.from({ length: top - lowest + 1 }, (_, i) => top - i)
  const entries = await ChatFileModel.find({ _id: { $in: numbers.map(n => chatFileId(chatId, n)) } }).lean().exec()
  const byId = new Map(entries.map(entry => [entry._id, entry]))
  const attachments = await loadAttachments(entries.map(entry => entry.attachmentId))
  // A deleted message took its files: its entries stay and are skipped, so a page may be short.
  const items = numbers.flatMap((n) => {
    const entry = byId.get(chatFileId(chatId, n))
    const doc = entry && attachments.get(entry.attachmentId.toHexString())
    return entry && doc && doc.messageId ? [toChatFile(doc, entry)] : []
  })
  return { items, nextCursor: lowest > 1 ? String(lowest) : null }
}
