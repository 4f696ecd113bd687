// Wire types of the API (docs/api.md, Objects), used by server and client.
// Ids are 24-hex strings; times are ISO-8601 UTC strings.

export type Id = string
export type IsoTime = string

export type UserRole = 'user' | 'admin' | 'guest'
export type ChatType = 'direct' | 'group' | 'channel'
export type MemberRole = 'owner' | 'admin' | 'member'

export interface User {
  id: Id
  username: string
  displayName: string
  role: UserRole
  createdAt: IsoTime
  online: boolean
  lastSeenAt: IsoTime | null
}

/** A user as its owner (and admins) see it: with personal data. */
export interface Me extends User {
  email: string | null
  emailVerified: boolean
  country: string | null
  age: number | null
  bio: string | null
}

export interface AdminUser extends Me {
  banned: boolean
}

export interface Session {
  id: Id
  createdAt: IsoTime
  lastUsedAt: IsoTime
  expiresAt: IsoTime
  userAgent: string | null
  current: boolean
}

export interface AuthResult {
  user: Me
  sessionId: Id
  accessToken: string
  accessTokenExpiresAt: IsoTime
}

export interface RefreshResult {
  accessToken: string
  accessTokenExpiresAt: IsoTime
  sessionId: Id
}

export interface MessageSender {
  id: Id
  username: string
  displayName: string
}

export interface Reaction {
  emoji: string
  count: number
  userIds: Id[]
}

export interface ReplyExcerpt {
  id: Id
  seq: number
  senderId: Id
  /** The first 200 characters of the original. */
  content: string
}

export interface Message {
  id: Id
  chatId: Id
  seq: number
  changeSeq: number
  sender: MessageSender
  content: string
  clientId: string | null
  replyTo: ReplyExcerpt | null
  /** Ids of the members the text named when it was sent (those who can read the chat). */
  mentions: Id[]
  /** The text addressed the whole chat (`@all` or `@here`, where the sender may). */
  mentionsAll: boolean
  reactions: Reaction[]
  createdAt: IsoTime
  editedAt: IsoTime | null
  deletedAt: IsoTime | null
}

export type NotificationLevel = 'all' | 'mentions' | 'none'

export interface Membership {
  role: MemberRole
  lastReadSeq: number
  unreadCount: number
  /** Unread messages that mention the viewer (by name, `@all` or `@here`). */
  mentionCount: number
  /** What notifies: every message, mentions only, or nothing (muted until turned back on). */
  notify: NotificationLevel
  /** Muted for a while until this time (null: not muted for a while). */
  mutedUntil: IsoTime | null
  joinedAt: IsoTime
}

export interface Chat {
  id: Id
  type: ChatType
  name: string | null
  topic: string | null
  createdAt: IsoTime
  createdBy: Id
  memberCount: number
  lastSeq: number
  lastChangeSeq: number
  lastMessage: Message | null
  lastActivityAt: IsoTime
  /** Direct chats only: the other person. */
  peer: User | null
  membership: Membership | null
}

export interface ChatDetail extends Chat {
  /** Present for direct and group chats. */
  members?: User[]
}

export interface PublicChat extends Chat {
  joined: boolean
}

export interface Member {
  user: User
  role: MemberRole
  joinedAt: IsoTime
  /** How far this member has read (an addition to the contract: "Seen" after a reload). */
  lastReadSeq: number
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface MessageHistory {
  items: Message[]
  hasMoreBefore: boolean
  hasMoreAfter: boolean
}

export interface ChangesPage {
  items: Message[]
  lastChangeSeq: number
  hasMore: boolean
}

export interface Health {
  status: 'ok' | 'degraded'
  db: 'up' | 'down'
  bus: 'redis' | 'local'
}

// WebSocket frames (/ws)

export interface ReadyChat {
  id: Id
  lastSeq: number
  lastChangeSeq: number
}

export type ServerEvent
  = | { type: 'ready', user: Me, sessionId: Id, chats: ReadyChat[] }
    | { type: 'message.created' | 'message.updated' | 'message.deleted', chatId: Id, message: Message }
    | { type: 'typing', chatId: Id, userId: Id, expiresAt: IsoTime }
    | { type: 'presence', userId: Id, online: boolean, lastSeenAt: IsoTime | null }
    | { type: 'read', chatId: Id, userId: Id, seq: number }
    | { type: 'chat.created' | 'chat.updated', chat: Chat }
    | { type: 'chat.deleted', chatId: Id }
    | { type: 'member.added', chatId: Id, user: User, role: MemberRole }
    | { type: 'member.removed', chatId: Id, userId: Id }
    | { type: 'session.revoked' }
    | { type: 'pong' }

export interface AckFrame {
  type: 'ack'
  id?: string
  message?: Message
}

export interface ErrorFrame {
  type: 'error'
  id?: string
  code: string
  message: string
}

export type ServerFrame = ServerEvent | AckFrame | ErrorFrame

/** WebSocket close codes the server uses. */
export const WS_CLOSE = {
  goingAway: 1001,
  unsupportedData: 1003,
  policyViolation: 1008,
  messageTooBig: 1009,
  /** The bus came back after an outage: reconnect and catch up through `/changes`. */
  serviceRestart: 1012,
  /** The socket let too much pile up unread: reconnect and catch up. */
  tryAgainLater: 1013,
  unauthorized: 4401,
} as const
