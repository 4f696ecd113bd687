import type { Message as MessageDto } from '#shared/types/api'
import { toMessage } from '../../dto/messages'
import { MessageModel, mapByIds, type MessageRecord, type UserRecord } from '../../models'
import { loadUsers } from '../accounts/users'
import { loadAttachments } from '../attachments/load'

/** What the caller already holds (a send: its sender's name, the message it replies to); not read again. */
export interface Known {
  senders?: Map<string, Pick<UserRecord, 'username' | 'displayName'> | null>
  replies?: Map<string, MessageRecord>
}

/**
 * Renders stored messages: their senders and reply targets are loaded by one `$in` each, in
 * parallel; then the files of the page and of its reply targets (the names their quotes
 * show) by one `$in`, so a file a message and a reply to it both show is read once
 * (tests/db/hot-path-cost.test.ts, "the files of a page and of the messages it quotes").
 */
export async function renderMessages(docs: MessageRecord[], known: Known = {}): Promise<MessageDto[]> {
  if (docs.length === 0) return []
  const replyIds = [...new Set(docs.flatMap(doc => (doc.replyToId ? [doc.replyToId.toHexString()] : [])))]
  const [people, { replies, files }] = await Promise.all([
    loadUsers(docs.map(doc => doc.senderId).filter(id => !known.senders?.has(id))),
    loadRepliesAndFiles(docs, replyIds, known.replies),
  ])
  const senderOf = (id: string) => (known.senders?.has(id) ? known.senders.get(id) : people.get(id))
  return docs.map(doc => toMessage(doc, senderOf(doc.senderId), doc.replyToId ? replies.get(doc.replyToId.toHexString()) : null, files, files))
}

/** The messages replied to (those not already held are read), then the files both show. */
async function loadRepliesAndFiles(docs: MessageRecord[], ids: string[], held: Map<string, MessageRecord> = new Map()) {
  const read = await mapByIds<MessageRecord>(MessageModel, ids.filter(id => !held.has(id)))
  const replies = new Map(ids.flatMap((id) => {
    const found = held.get(id) ?? read.get(id)
    return found ? [[id, found] as const] : []
  }))
  const shown = (message: MessageRecord) => (message.deletedAt ? [] : message.attachmentIds ?? [])
  const files = await loadAttachments([...docs, ...replies.values()].flatMap(shown))
  return { replies, files }
}

export async function renderMessage(doc: MessageRecord, known?: Known): Promise<MessageDto> {
  return (await renderMessages([doc], known))[0]!
}
