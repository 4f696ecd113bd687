import { z } from 'zod'
import { notificationLevelSchema } from './chats'

// The objects the server answers (docs/api.md, Objects), as zod schemas: shared/types/api.ts
// derives the wire types from them and the OpenAPI document describes the responses with
// them, so both say the same thing. Nothing parses responses with these at run time.

const id = z.string().meta({ pattern: '^[0-9a-f]{24}$', description: 'A 24-hex id' })
const time = z.string().meta({ format: 'date-time', description: 'An ISO-8601 UTC time' })

export const userRoleSchema = z.enum(['user', 'admin', 'guest'])
export const chatTypeSchema = z.enum(['direct', 'group', 'channel'])
export const memberRoleValueSchema = z.enum(['owner', 'admin', 'member'])

export const userDto = z.object({
  id,
  username: z.string(),
  displayName: z.string(),
  role: userRoleSchema,
  createdAt: time,
  online: z.boolean(),
  lastSeenAt: time.nullable(),
  suspended: z.literal(true).optional().meta({ description: 'Present, true, only while an admin has banned the account: it cannot sign in or read anything until unbanned (docs/api-accounts.md). Absent otherwise' }),
})

/** A user as its owner (and admins) see it: with personal data. */
export const meDto = userDto.extend({
  email: z.string().nullable(),
  emailVerified: z.boolean(),
  country: z.string().nullable(),
  age: z.number().int().nullable(),
  bio: z.string().nullable(),
  twoFactorEnabled: z.boolean().meta({ description: 'Sign-in asks for an authenticator code (docs/security.md)' }),
  twoFactorEnforced: z.boolean().meta({ description: 'The server requires two-factor of this account (NUXT_REQUIRE_2FA): it cannot be turned off' }),
  twoFactorSetupRequired: z.boolean().meta({ description: 'The server requires two-factor and this account has not turned it on: only the setup routes answer (403 two_factor_setup_required elsewhere)' }),
})

export const adminUserDto = meDto.extend({ banned: z.boolean() })

export const signInMethodSchema = z.enum(['password', 'password+2fa', 'passkey', 'guest'])

export const sessionDto = z.object({
  id,
  createdAt: time,
  lastUsedAt: time,
  expiresAt: time,
  userAgent: z.string().nullable(),
  browser: z.string().nullable().meta({ description: 'Browser name and major version parsed from the User-Agent at sign-in ("Chrome 131"); null when unknown' }),
  os: z.string().nullable().meta({ description: 'Operating system parsed from the User-Agent ("Linux", "Windows"); null when unknown' }),
  ip: z.string().nullable().meta({ description: 'The client address at sign-in, as seen behind the trusted proxies (NUXT_TRUST_PROXY)' }),
  method: signInMethodSchema.nullable().meta({ description: 'How the session signed in; null for sessions from before this was recorded' }),
  current: z.boolean(),
})

export const authResultDto = z.object({
  user: meDto,
  sessionId: id,
  accessToken: z.string(),
  accessTokenExpiresAt: time,
})

/** The password step of an account with two-factor on: no session yet, a code is needed. */
export const twoFactorChallengeDto = z.object({
  twoFactorRequired: z.literal(true),
  challenge: z.string().meta({ description: 'Single use, valid 5 minutes: send it with a code to POST /api/auth/login/2fa' }),
})

/** POST /api/auth/login: signed in, or (two-factor on) the challenge for the second step. */
export const loginResultDto = z.union([authResultDto, twoFactorChallengeDto])

export const twoFactorSetupDto = z.object({
  secret: z.string().meta({ description: 'The TOTP secret (base32) for manual entry' }),
  uri: z.string().meta({ description: 'otpauth:// URI, shown as a QR code' }),
})

export const recoveryCodesDto = z.object({
  recoveryCodes: z.array(z.string()).meta({ description: 'Ten single-use codes, shown only now' }),
})

/** A registered passkey (docs/security.md, "Passkeys"); the public key never leaves the server. */
export const passkeyDto = z.object({
  id: z.string().meta({ description: 'The credential id (base64url)' }),
  name: z.string(),
  createdAt: time,
  lastUsedAt: time.nullable().meta({ description: 'The last sign-in with it; null until the first' }),
  synced: z.boolean().meta({ description: 'A multi-device passkey (kept in a password manager or a platform account), not bound to one authenticator' }),
})

export const passkeyListDto = z.object({ items: z.array(passkeyDto) })

/** What navigator.credentials.create() needs, as JSON (startRegistration of @simplewebauthn/browser takes it whole). */
export const passkeyRegistrationOptionsDto = z.object({
  challenge: z.string().meta({ description: 'Single use, valid 5 minutes' }),
  rp: z.object({ id: z.string().optional(), name: z.string() }),
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
}).loose().meta({ description: 'PublicKeyCredentialCreationOptionsJSON (WebAuthn Level 3)' })

/** What navigator.credentials.get() needs, as JSON (startAuthentication takes it whole). */
export const passkeyLoginOptionsDto = z.object({
  challenge: z.string().meta({ description: 'Single use, valid 5 minutes' }),
  rpId: z.string().optional(),
}).loose().meta({ description: 'PublicKeyCredentialRequestOptionsJSON (WebAuthn Level 3): at sign-in no allowCredentials (any passkey of this site may answer); to re-authenticate, the person\'s own passkeys' })

export const refreshResultDto = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: time,
  sessionId: id,
})

export const meResultDto = z.object({ user: meDto, session: sessionDto })
export const sessionListDto = z.object({ items: z.array(sessionDto) })

export const messageSenderDto = z.object({ id, username: z.string(), displayName: z.string() })

export const reactionDto = z.object({ emoji: z.string(), count: z.number().int(), userIds: z.array(id) })

export const replyExcerptDto = z.object({
  id,
  seq: z.number().int(),
  senderId: id,
  content: z.string().meta({ description: 'The first 200 characters of the original' }),
  deleted: z.boolean().meta({ description: 'The original was deleted (its content is then empty)' }),
  attachmentNames: z.array(z.string()).meta({ description: 'The names of the original\'s files, in the order sent (empty when none, and once deleted)' }),
})

export const attachmentKindSchema = z.enum(['image', 'video', 'audio', 'file'])

export const attachmentDto = z.object({
  id,
  chatId: id,
  name: z.string().meta({ description: 'The sanitized file name (at most 255 bytes)' }),
  size: z.number().int().meta({ description: 'Bytes of what GET url serves (images: the copy without metadata)' }),
  type: z.string().meta({ description: 'The MIME type detected from the bytes (never the declared one)' }),
  kind: attachmentKindSchema.meta({ description: 'image: jpeg, png, gif, webp or avif, shown inline; video and audio play inline; file: everything else, a download' }),
  width: z.number().int().nullable().meta({ description: 'Images: pixels, after EXIF rotation' }),
  height: z.number().int().nullable(),
  url: z.string().meta({ description: '/api/attachments/<id>' }),
  thumbnailUrl: z.string().nullable().meta({ description: 'Images: /api/attachments/<id>/thumbnail (WebP, at most 640 px)' }),
  createdAt: time,
})

/** A Files panel entry: the attachment and the message that carried it. */
export const chatFileDto = attachmentDto.extend({ messageId: id, senderId: id })

export const uploadResultDto = z.object({ attachment: attachmentDto })

export const messageDto = z.object({
  id,
  chatId: id,
  seq: z.number().int(),
  changeSeq: z.number().int(),
  sender: messageSenderDto,
  content: z.string(),
  clientId: z.string().nullable(),
  replyTo: replyExcerptDto.nullable(),
  mentions: z.array(id).meta({ description: 'Ids of the members the text named when it was sent, and of the author of the message it replies to (those who can read the chat; never the sender)' }),
  mentionsAll: z.boolean().meta({ description: 'The text addressed the whole chat (@all, @channel, @everyone or @here, where the sender may)' }),
  reactions: z.array(reactionDto),
  attachments: z.array(attachmentDto).meta({ description: 'The files sent with it, in the order sent (empty when none, and once deleted)' }),
  createdAt: time,
  editedAt: time.nullable(),
  deletedAt: time.nullable(),
})

export const membershipDto = z.object({
  role: memberRoleValueSchema,
  lastReadSeq: z.number().int(),
  unreadCount: z.number().int(),
  mentionCount: z.number().int().meta({ description: 'Unread messages that mention the viewer (by name, @all, @channel, @everyone or @here)' }),
  mentionSeqs: z.array(z.number().int()).meta({ description: 'The seqs of those messages, ascending (as many as mentionCount)' }),
  notify: notificationLevelSchema.meta({ description: 'What notifies: every message, mentions only, or nothing (muted until turned back on)' }),
  mutedUntil: time.nullable().meta({ description: 'Muted for a while until this time (null: not muted for a while)' }),
  joinedAt: time,
})

export const chatDto = z.object({
  id,
  type: chatTypeSchema,
  name: z.string().nullable(),
  topic: z.string().nullable(),
  createdAt: time,
  createdBy: id,
  memberCount: z.number().int(),
  lastSeq: z.number().int(),
  lastChangeSeq: z.number().int(),
  lastMessage: messageDto.nullable(),
  lastActivityAt: time,
  peer: userDto.nullable().meta({ description: 'Direct chats only: the other person' }),
  membership: membershipDto.nullable(),
})

export const chatDetailDto = chatDto.extend({
  members: z.array(userDto).optional().meta({ description: 'Present for direct and group chats' }),
})

export const publicChatDto = chatDto.extend({ joined: z.boolean() })

export const memberDto = z.object({
  user: userDto,
  role: memberRoleValueSchema,
  joinedAt: time,
  lastReadSeq: z.number().int().meta({ description: 'How far this member has read (an addition to the contract: "Seen" after a reload); 0 until they read past where they joined' }),
})

/** `{ items, nextCursor }` of every list. */
export function pageDto<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}

export const userPageDto = pageDto(userDto)
export const adminUserPageDto = pageDto(adminUserDto)
export const chatPageDto = pageDto(chatDto)
export const publicChatPageDto = pageDto(publicChatDto)
export const memberPageDto = pageDto(memberDto)
/** Who would own a chat if its owner left now: null for nobody (GET /api/chats/:id/next-owner). */
export const nextOwnerDto = z.object({ user: userDto.nullable() })
export const messagePageDto = pageDto(messageDto)
export const chatFilePageDto = pageDto(chatFileDto)

export const messageHistoryDto = z.object({
  items: z.array(messageDto),
  hasMoreBefore: z.boolean(),
  hasMoreAfter: z.boolean(),
})

export const changesPageDto = z.object({
  items: z.array(messageDto),
  lastChangeSeq: z.number().int(),
  hasMore: z.boolean(),
})

export const healthDto = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['up', 'down']),
  bus: z.enum(['redis', 'local', 'degraded']).meta({ description: 'degraded: Redis does not answer; events still reach this instance' }),
  version: z.string().meta({ description: 'The app version built (package.json)' }),
  commit: z.string().meta({ description: 'The git commit built (short hash), or unknown' }),
})

export const pushPublicKeyDto = z.object({ publicKey: z.string().meta({ description: 'The VAPID public key (P-256, base64url): PushManager.subscribe\'s applicationServerKey' }) })

export const attachmentLimitsDto = z.object({ maxBytes: z.number().int().meta({ description: 'The largest file an upload may be, in bytes (NUXT_ATTACHMENTS_MAX_BYTES); a larger one is refused with 413' }) })

export const readyChatDto = z.object({ id, lastSeq: z.number().int(), lastChangeSeq: z.number().int() })
