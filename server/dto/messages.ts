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

/** `files`: the loaded attachment documents by id, the quoted message's among them. */
function toReply(reply: MessageRecord | null | undefined, files: Map<string, AttachmentRecord> | undefined): ReplyExcerpt | null {
  if (!reply) return null
  const deleted = !!reply.deletedAt
  return {
    id: reply._id.toHexString(),
    seq: reply.seq,
    senderId: reply.senderId,
    content: deleted ? '' : excerpt(reply.content),
    // Without these a files-only message and a deleted one were both `content: ""`, and a
    // quote of a photo said "Deleted message" (docs/api.md, "Message").
    deleted,
    attachmentNames: deleted ? [] : (reply.attachmentIds ?? []).flatMap(id => files?.get(id.toHexString())?.name ?? []),
  }
}

/**
 * `attachments`: the loaded attachment documents by id (those of this message are picked, in
 * order); `replyFiles`: those of the message it replies to.
 */
export function toMessage(doc: MessageRecord, sender: Pick<UserRecord, 'username' | 'displayName'> | null | undefined, reply: MessageRecord | null | undefined, attachments?: Map<string, AttachmentRecord>, replyFiles?: Map<string, AttachmentRecord>): MessageDto {
  const deleted = !!doc.deletedAt
  return {
    id: doc._id.toHexString(),
    chatId: doc.chatId,
    seq: doc.seq,
    changeSeq: doc.changeSeq,
    sender: toSender(doc.senderId, sender),
    content: deleted ? '' : doc.content,
    clientId: doc.clientId ?? null,
    replyTo: toReply(reply, replyFiles),
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
