import type { Message as MessageDto } from '#shared/types/api'
import { toMessage } from '../../dto/messages'
import { MessageModel, mapByIds, type MessageRecord } from '../../models'
import { loadUsers } from '../accounts/users'
import { loadAttachments } from '../attachments/load'

/** Renders stored messages: their senders, reply targets and attachments are loaded by one `$in` each, in parallel. */
export async function renderMessages(docs: MessageRecord[]): Promise<MessageDto[]> {
  if (docs.length === 0) return []
  const replyIds = [...new Set(docs.flatMap(doc => (doc.replyToId ? [doc.replyToId.toHexString()] : [])))]
  const [people, replies, attachments] = await Promise.all([
    loadUsers(docs.map(doc => doc.senderId)),
    mapByIds<MessageRecord>(MessageModel, replyIds),
    loadAttachments(docs.flatMap(doc => (doc.deletedAt ? [] : doc.attachmentIds ?? []))),
  ])
  return docs.map(doc => toMessage(doc, people.get(doc.senderId), doc.replyToId ? replies.get(doc.replyToId.toHexString()) ?? null : null, attachments))
}

export async function renderMessage(doc: MessageRecord): Promise<MessageDto> {
  return (await renderMessages([doc]))[0]!
}
