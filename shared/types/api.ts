import type { z } from 'zod'
import type * as dto from '../schemas/dto'
import type { notificationLevelSchema } from '../schemas/chats'

// Wire types of the API (docs/api.md, Objects), used by server and client. The objects are
// defined once, as zod schemas in shared/schemas/dto.ts (they also describe the responses in
// GET /api/openapi.json). Ids are 24-hex strings; times are ISO-8601 UTC strings.

export type Id = string
export type IsoTime = string

export type UserRole = z.infer<typeof dto.userRoleSchema>
export type ChatType = z.infer<typeof dto.chatTypeSchema>
export type MemberRole = z.infer<typeof dto.memberRoleValueSchema>
export type NotificationLevel = z.infer<typeof notificationLevelSchema>

export type User = z.infer<typeof dto.userDto>
/** A user as its owner (and admins) see it: with personal data. */
export type Me = z.infer<typeof dto.meDto>
export type AdminUser = z.infer<typeof dto.adminUserDto>
export type Session = z.infer<typeof dto.sessionDto>
export type SignInMethod = z.infer<typeof dto.signInMethodSchema>
export type AuthResult = z.infer<typeof dto.authResultDto>
export type RefreshResult = z.infer<typeof dto.refreshResultDto>
export type TwoFactorChallenge = z.infer<typeof dto.twoFactorChallengeDto>
export type TwoFactorSetup = z.infer<typeof dto.twoFactorSetupDto>
export type RecoveryCodes = z.infer<typeof dto.recoveryCodesDto>
export type Passkey = z.infer<typeof dto.passkeyDto>
export type MessageSender = z.infer<typeof dto.messageSenderDto>
export type Reaction = z.infer<typeof dto.reactionDto>
export type ReplyExcerpt = z.infer<typeof dto.replyExcerptDto>
export type Message = z.infer<typeof dto.messageDto>
export type AttachmentKind = z.infer<typeof dto.attachmentKindSchema>
export type Attachment = z.infer<typeof dto.attachmentDto>
/** A Files panel entry: the attachment, its message and sender. */
export type ChatFile = z.infer<typeof dto.chatFileDto>
export type UploadResult = z.infer<typeof dto.uploadResultDto>
export type AttachmentLimits = z.infer<typeof dto.attachmentLimitsDto>
export type Membership = z.infer<typeof dto.membershipDto>
export type Chat = z.infer<typeof dto.chatDto>
/** A chat with its members (direct and group chats). */
export type ChatDetail = z.infer<typeof dto.chatDetailDto>
export type PublicChat = z.infer<typeof dto.publicChatDto>
export type Member = z.infer<typeof dto.memberDto>

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export type MessageHistory = z.infer<typeof dto.messageHistoryDto>
export type ChangesPage = z.infer<typeof dto.changesPageDto>
export type Health = z.infer<typeof dto.healthDto>

// WebSocket frames (/ws)

export type ReadyChat = z.infer<typeof dto.readyChatDto>

/**
 * Why a session ended, as `session.revoked` tells its sockets: signed out (in another tab of
 * it), ended from another session, a password change or reset, a ban, the account deleted,
 * or its refresh token used twice (a stolen cookie is assumed).
 */
export type SessionEndReason = 'signed-out' | 'revoked' | 'password-changed' | 'password-reset' | 'banned' | 'account-deleted' | 'token-reused'

export type ServerEvent
  = | { type: 'ready', user: Me, sessionId: Id, chats: ReadyChat[], serverTime: string }
    | { type: 'message.created' | 'message.updated' | 'message.deleted', chatId: Id, message: Message }
    | { type: 'typing', chatId: Id, userId: Id, displayName: string, expiresAt: IsoTime }
    | { type: 'presence', userId: Id, online: boolean, lastSeenAt: IsoTime | null }
    | { type: 'user.updated', user: User }
    | { type: 'read', chatId: Id, userId: Id, seq: number }
    | { type: 'chat.created' | 'chat.updated', chat: Chat }
    | { type: 'chat.deleted', chatId: Id }
    | { type: 'member.added', chatId: Id, user: User, role: MemberRole }
    | { type: 'member.removed', chatId: Id, userId: Id }
    | { type: 'member.updated', chatId: Id, userId: Id, role: MemberRole }
    | { type: 'session.revoked', reason?: SessionEndReason }
    | { type: 'pong' }

export interface AckFrame {
  type: 'ack'
  id?: string
  message?: Message
  /** `chat.watch`: the channel's counters once it is heard, to catch up from through `/changes`. */
  chat?: ReadyChat
}

export interface ErrorFrame {
  type: 'error'
  id?: string
  code: string
  message: string
  /** Seconds to wait before sending again (an overloaded server, a send over its rate): HTTP's Retry-After. */
  retryAfter?: number
}

export type ServerFrame = ServerEvent | AckFrame | ErrorFrame

/**
 * The account a browser tab shows, sent with its requests (a header; the socket's upgrade
 * takes it in the query, as browsers set no headers there). The auth cookies are the
 * browser's, shared by its tabs: a sign-in in one tab changes whom another tab's requests
 * act for. The server refuses one whose authenticated user is not this one, with 409
 * `account_changed` (docs/api-accounts.md, "One account per browser").
 */
export const EXPECTED_USER_HEADER = 'x-expected-user'
export const EXPECTED_USER_QUERY = 'expectedUser'

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
  /** The account must set up two-factor first (NUXT_REQUIRE_TWO_FACTOR): do not reconnect. */
  twoFactorSetupRequired: 4403,
} as const
