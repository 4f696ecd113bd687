import type { Chat as ChatDto } from '#shared/types/api'
import { peerIdOf, toChat } from '../../dto/chats'
import { findByIds, mapByIds, MembershipModel, membershipId, MessageModel, messageIdFor, type ChatRecord, type MembershipRecord, type MessageRecord } from '../../models'
import { loadUsers, publicUser } from '../accounts/users'
import { renderMessages } from '../messages/render'

/**
 * Chats as one viewer sees them: their memberships, last messages and (direct chats)
 * peers, one `$in` each, all in parallel; the number of commands depends on neither the
 * number of chats nor their size.
 * `memberships` may pass already-known memberships (null = not a member).
 */
export async function renderChatsFor(viewerId: string, chats: ChatRecord[], memberships?: Map<string, MembershipRecord | null>): Promise<ChatDto[]> {
  if (chats.length === 0) return []
  const ids = chats.map(chat => chat._id.toHexString())
  const unknown = ids.filter(id => !memberships?.has(id))
  const lastIds = chats.filter(chat => chat.lastSeq > 0).map(chat => messageIdFor(chat._id.toHexString(), chat.lastSeq))
  const [loadedMemberships, lastMessages, people] = await Promise.all([
    mapByIds<MembershipRecord>(MembershipModel, unknown.map(id => membershipId(id, viewerId))),
    findByIds<MessageRecord>(MessageModel, lastIds),
    loadUsers(chats.map(chat => peerIdOf(chat, viewerId)).filter((id): id is string => !!id)),
  ])
  const rendered = new Map((await renderMessages(lastMessages)).map(message => [message.id, message]))
  return chats.map((chat, index) => {
    const peerId = peerIdOf(chat, viewerId)
    const id = ids[index]!
    const membership = memberships?.has(id) ? memberships.get(id) : loadedMemberships.get(membershipId(id, viewerId))
    return toChat(chat, {
      membership: membership ?? null,
      lastMessage: chat.lastSeq > 0 ? rendered.get(messageIdFor(id, chat.lastSeq).toHexString()) ?? null : null,
      peer: peerId ? publicUser(peerId, people.get(peerId)) : null,
    })
  })
}

export async function renderChatFor(viewerId: string, chat: ChatRecord, membership?: MembershipRecord | null): Promise<ChatDto> {
  const known = membership === undefined ? undefined : new Map([[chat._id.toHexString(), membership]])
  return (await renderChatsFor(viewerId, [chat], known))[0]!
}
