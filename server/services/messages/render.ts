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
 * Renders stored messages: their senders, reply targets and attachments are loaded by one
 * `$in` each, in parallel; the files of the reply targets (the names their quotes show)
 * follow those targets, beside the rest.
 */
export async function renderMessages(docs: MessageRecord[], known: Known = {}): Promise<MessageDto[]> {
  if (docs.length === 0) return []
  const replyIds = [...new Set(docs.flatMap(doc => (doc.replyToId ? [doc.replyToId.toHexString()] : [])))]
  const [people, replies, attachments] = await Promise.all([
    loadUsers(docs.map(doc => doc.senderId).filter(id => !known.senders?.has(id))),
    loadReplyTargets(replyIds, known.replies),
    loadAttachments(docs.flatMap(doc => (doc.deletedAt ? [] : doc.attachmentIds ?? []))),
  ])
  const senderOf = (id: string) => (known.senders?.has(id) ? known.senders.get(id) : people.get(id))
  return docs.map(doc => toMessage(doc, senderOf(doc.senderId), doc.replyToId ? replies.messages.get(doc.replyToId.toHexString()) : null, attachments, replies.files))
}

/** The messages replied to (those not already held are read) and their files. */
async function loadReplyTargets(ids: string[], held: Map<string, MessageRecord> = new Map()) {
  const read = await mapByIds<MessageRecord>(MessageModel, ids.filter(id => !held.has(id)))
  const messages = new Map(ids.flatMap((id) => {
    const found = held.get(id) ?? read.get(id)
    return found ? [[id, found] as const] : []
  }))
  const files = await loadAttachments([...messages.values()].flatMap(reply => (reply.deletedAt ? [] : reply.attachmentIds ?? [])))
  return { messages, files }
}

export async function renderMessage(doc: MessageRecord, known?: Known): Promise<MessageDto> {
  return (await renderMessages([doc], known))[0]!
}
