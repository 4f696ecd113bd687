import type { Message as MessageDto, ReplyExcerpt } from '#shared/types/api'
import type { AttachmentRecord, MessageRecord, UserRecord } from '../models'
import { toAttachment } from './attachments'
import { toSender } from './users'

// Messages become wire objects here, from documents already loaded
// (server/services/messages/render.ts loads senders and reply targets).

const REPLY_EXCERPT_LENGTH = 200

function excerpt(text: string): string {
  return Array.from(text).slice(0, REPLY_EXCERPT_LENGTH).join('')
}

function toReply(reply: MessageRecord | null | undefined): ReplyExcerpt | null {
  if (!reply) return null
  return { id: reply._id.toHexString(), seq: reply.seq, senderId: reply.senderId, content: reply.deletedAt ? '' : excerpt(reply.content) }
}

/** `attachments`: the loaded attachment documents by id (those of this message are picked, in order). */
export function toMessage(doc: MessageRecord, sender: Pick<UserRecord, 'username' | 'displayName'> | null | undefined, reply: MessageRecord | null | undefined, attachments?: Map<string, AttachmentRecord>): MessageDto {
  const deleted = !!doc.deletedAt
  return {
    id: doc._id.toHexString(),
    chatId: doc.chatId,
    seq: doc.seq,
    changeSeq: doc.changeSeq,
    sender: toSender(doc.senderId, sender),
    content: deleted ? '' : doc.content,
    clientId: doc.clientId ?? null,
    replyTo: toReply(reply),
    mentions: deleted ? [] : [...(doc.mentions ?? [])],
    mentionsAll: deleted ? false : !!doc.mentionsAll,
    reactions: deleted ? [] : doc.reactions.filter(r => r.userIds.length > 0).map(r => ({ emoji: r.emoji, count: r.userIds.length, userIds: [...r.userIds] })),
    attachments: deleted || !attachments
      ? []
      : (doc.attachmentIds ?? []).flatMap((id) => {
          const found = attachments.get(id.toHexString())
          return found ? [toAttachment(found)] : []
        }),
    createdAt: doc.createdAt.toISOString(),
    editedAt: doc.editedAt ? doc.editedAt.toISOString() : null,
    deletedAt: doc.deletedAt ? doc.deletedAt.toISOString() : null,
  }
}
