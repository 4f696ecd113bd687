import type { Chat as ChatDto } from '#shared/types/api'
import { peerIdOf, toChat } from '../../dto/chats'
import { MessageModel, messageIdFor, type ChatRecord, type MembershipRecord, type MessageRecord } from '../../models'
import { loadUsers, publicUser } from '../accounts/users'
import { renderMessages } from '../messages/render'
import { findMembership } from './access'

/**
 * Chats as one viewer sees them. Per chat: its membership, its last message and (direct
 * chats) the peer, each read by `_id`, all in parallel; no query depends on chat size.
 * `memberships` may pass already-known memberships (null = not a member).
 */
export async function renderChatsFor(viewerId: string, chats: ChatRecord[], memberships?: Map<string, MembershipRecord | null>): Promise<ChatDto[]> {
  if (chats.length === 0) return []
  const [loadedMemberships, lastMessages, people] = await Promise.all([
    Promise.all(chats.map(chat => memberships?.has(chat._id.toHexString())
      ? memberships.get(chat._id.toHexString()) ?? null
      : findMembership(chat._id.toHexString(), viewerId))),
    Promise.all(chats.map(chat => chat.lastSeq > 0
      ? MessageModel.findById(messageIdFor(chat._id.toHexString(), chat.lastSeq)).lean<MessageRecord>().exec()
      : null)),
    loadUsers(chats.map(chat => peerIdOf(chat, viewerId)).filter((id): id is string => !!id)),
  ])
  const present = lastMessages.filter((message): message is MessageRecord => !!message)
  const rendered = new Map((await renderMessages(present)).map(message => [message.id, message]))
  return chats.map((chat, index) => {
    const peerId = peerIdOf(chat, viewerId)
    const last = lastMessages[index]
    return toChat(chat, {
      membership: loadedMemberships[index] ?? null,
      lastMessage: last ? rendered.get(last._id.toHexString()) ?? null : null,
      peer: peerId ? publicUser(peerId, people.get(peerId)) : null,
    })
  })
}

export async function renderChatFor(viewerId: string, chat: ChatRecord, membership?: MembershipRecord | null): Promise<ChatDto> {
  const known = membership === undefined ? undefined : new Map([[chat._id.toHexString(), membership]])
  return (await renderChatsFor(viewerId, [chat], known))[0]!
}
