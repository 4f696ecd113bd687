import type { Types } from 'mongoose'
import type { Message as MessageDto, ReplyExcerpt } from '#shared/types/api'
import { Message, type MessageDoc } from '../models/message'
import { loadPeople, toSender, type PersonRecord } from '../services/people'

export type StoredMessage = MessageDoc & { _id: Types.ObjectId }

const REPLY_EXCERPT_LENGTH = 200

function excerpt(text: string): string {
  return Array.from(text).slice(0, REPLY_EXCERPT_LENGTH).join('')
}

function toReply(reply: StoredMessage | null | undefined): ReplyExcerpt | null {
  if (!reply) return null
  return { id: reply._id.toHexString(), seq: reply.seq, senderId: reply.senderId, content: reply.deletedAt ? '' : excerpt(reply.content) }
}

export function toMessage(doc: StoredMessage, sender: PersonRecord | null | undefined, reply: StoredMessage | null | undefined): MessageDto {
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
    createdAt: doc.createdAt.toISOString(),
    editedAt: doc.editedAt ? doc.editedAt.toISOString() : null,
    deletedAt: doc.deletedAt ? doc.deletedAt.toISOString() : null,
  }
}

/** Renders stored messages: their senders and reply targets are loaded by `_id`, in parallel. */
export async function toMessages(docs: StoredMessage[]): Promise<MessageDto[]> {
  if (docs.length === 0) return []
  const replyIds = [...new Set(docs.flatMap(doc => (doc.replyToId ? [doc.replyToId.toHexString()] : [])))]
  const [people, replies] = await Promise.all([
    loadPeople(docs.map(doc => doc.senderId)),
    Promise.all(replyIds.map(id => Message.findById(id).lean<StoredMessage>().exec())),
  ])
  const replyById = new Map(replyIds.map((id, index) => [id, replies[index]]))
  return docs.map(doc => toMessage(doc, people.get(doc.senderId), doc.replyToId ? replyById.get(doc.replyToId.toHexString()) : null))
}

export async function toMessageDto(doc: StoredMessage): Promise<MessageDto> {
  return (await toMessages([doc]))[0]!
}
