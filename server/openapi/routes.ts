import type { z } from 'zod'
import type { ErrorCode } from '#shared/errors'
import { changePasswordSchema, disableTwoFactorSchema, forgotPasswordSchema, guestSchema, loginSchema, passkeyIdParamsSchema, passkeyLoginSchema, reauthSchema, registerPasskeySchema, renamePasskeySchema, twoFactorCodeBodySchema, twoFactorLoginSchema, registerSchema, resetPasswordSchema, verifyEmailSchema } from '#shared/schemas/auth'
import { addMembersSchema, chatIdParamsSchema, chatListQuerySchema, createChatSchema, memberListQuerySchema, memberParamsSchema, memberRoleSchema, markReadSchema, notificationSettingsSchema, publicChatsQuerySchema, updateChatSchema } from '#shared/schemas/chats'
import { changesQuerySchema, editMessageSchema, historyQuerySchema, messageIdParamsSchema, reactionParamsSchema, reactionRemovalParamsSchema, searchQuerySchema, sendMessageSchema } from '#shared/schemas/messages'
import { attachmentIdParamsSchema, chatFilesQuerySchema, uploadQuerySchema } from '#shared/schemas/attachments'
import { loginResultDto, passkeyDto, passkeyListDto, passkeyLoginOptionsDto, passkeyRegistrationOptionsDto, recoveryCodesDto, twoFactorSetupDto, adminUserDto, adminUserPageDto, authResultDto, changesPageDto, chatFilePageDto, uploadResultDto, chatDetailDto, chatDto, chatPageDto, healthDto, pushPublicKeyDto, attachmentLimitsDto, memberDto, memberPageDto, meDto, nextOwnerDto, meResultDto, messageDto, messageHistoryDto, messagePageDto, publicChatPageDto, refreshResultDto, sessionListDto, userDto, userPageDto } from '#shared/schemas/dto'
import { pushSubscriptionSchema } from '#shared/schemas/push'
import { adminUpdateUserSchema, deleteAccountSchema, sessionIdParamsSchema, updateProfileSchema, userDirectoryQuerySchema, userIdParamsSchema } from '#shared/schemas/users'

// The route registry behind GET /api/openapi.json: one entry per route file under
// server/api/, naming the schemas that file parses. tests/api/openapi.test.ts fails when a
// route file has no entry here, or when an entry's schemas differ from the file's.

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** Who may call: anyone, a signed-in user (Bearer or cookie), an admin, or the refresh cookie. */
export type RouteAuth = 'public' | 'user' | 'admin' | 'refresh-cookie'

export interface RouteSuccess {
  status: number
  description: string
  /** The answer is the bytes of a file (any type), or nothing (`none`), not JSON. */
  media?: 'file' | 'none'
  /** The answer's schema, an export of shared/schemas/dto.ts (none for 202 and 204). */
  schema?: z.ZodType
}

export interface RouteSpec {
  method: HttpMethod
  /** The OpenAPI path, `{name}` for a path parameter (the file's `[name]`). */
  path: string
  tag: 'accounts' | 'users' | 'chats' | 'messages' | 'attachments' | 'operations'
  summary: string
  auth: RouteAuth
  params?: z.ZodType
  query?: z.ZodType
  body?: z.ZodType
  success: RouteSuccess[]
  /**
   * The codes this route answers besides those every route of its kind can give
   * (401 when signed out, 403 forbidden_origin, 400/413 for bad input, 500), which
   * server/openapi/document.ts adds.
   */
  errors: ErrorCode[]
  /** A status other than the code's usual one (403 invalid_credentials for a wrong current password). */
  statusOf?: Partial<Record<ErrorCode, number>>
  /** Malformed path parameters answer 404 not_found here (the file uses safeParse), not 400. */
  malformedParams?: 'not_found'
  /** One of the routes an account that must set up two-factor may use (requireUser's `duringTwoFactorSetup`). */
  duringTwoFactorSetup?: true
  /** The body is a file, streamed (multipart/form-data or raw), not JSON parsed by a schema. */
  upload?: true
}

const ok = (schema: z.ZodType, description: string): RouteSuccess[] => [{ status: 200, description, schema }]
const created = (schema: z.ZodType, description: string): RouteSuccess[] => [{ status: 201, description, schema }]
const noContent: RouteSuccess[] = [{ status: 204, description: 'Done; no body.' }]
const accepted: RouteSuccess[] = [{ status: 202, description: 'Accepted; no body.' }]

const accounts: RouteSpec[] = [
  { method: 'post', path: '/api/auth/register', tag: 'accounts', summary: 'Create an account (the first one is an admin)', auth: 'public', body: registerSchema, success: created(authResultDto, 'Signed in, with the two cookies'), errors: ['username_taken', 'email_taken', 'rate_limited'] },
  {
    method: 'post', path: '/api/auth/login', tag: 'accounts', summary: 'Sign in with a username or email and a password', auth: 'public', body: loginSchema,
    success: [{ status: 200, description: 'Signed in, with the two cookies; or, with two-factor on, a challenge for POST /api/auth/login/2fa (no cookies)', schema: loginResultDto }],
    errors: ['invalid_credentials', 'banned', 'rate_limited'],
  },
  { method: 'post', path: '/api/auth/login/2fa', tag: 'accounts', summary: 'Finish a two-factor sign-in with an authenticator or recovery code', auth: 'public', body: twoFactorLoginSchema, success: ok(authResultDto, 'Signed in, with the two cookies'), errors: ['invalid_credentials', 'invalid_token', 'banned', 'rate_limited'], statusOf: { invalid_token: 401 } },
  { method: 'post', path: '/api/auth/2fa/setup', tag: 'accounts', duringTwoFactorSetup: true, summary: 'Start turning on two-factor: a new secret, not yet in effect', auth: 'user', success: ok(twoFactorSetupDto, 'The secret and its otpauth URI'), errors: ['forbidden', 'conflict'] },
  { method: 'post', path: '/api/auth/2fa/enable', tag: 'accounts', duringTwoFactorSetup: true, summary: 'Confirm the new secret with a first code; answers the recovery codes', auth: 'user', body: twoFactorCodeBodySchema, success: ok(recoveryCodesDto, 'Two-factor is on'), errors: ['invalid_credentials', 'conflict'], statusOf: { invalid_credentials: 403 } },
  { method: 'post', path: '/api/auth/2fa/disable', tag: 'accounts', summary: 'Turn two-factor off with the password and a code (forbidden where the server requires it)', auth: 'user', body: disableTwoFactorSchema, success: noContent, errors: ['invalid_credentials', 'forbidden', 'conflict', 'rate_limited'], statusOf: { invalid_credentials: 403 } },
  { method: 'post', path: '/api/auth/reauth', tag: 'accounts', summary: 'Prove again who is behind this session (password, and a code with two-factor on), for sensitive changes', auth: 'user', body: reauthSchema, success: noContent, errors: ['invalid_credentials', 'forbidden', 'rate_limited'], statusOf: { invalid_credentials: 403 } },
  { method: 'post', path: '/api/auth/2fa/recovery-codes', tag: 'accounts', summary: 'New recovery codes for a current code (the old ones stop working)', auth: 'user', body: twoFactorCodeBodySchema, success: ok(recoveryCodesDto, 'The new codes'), errors: ['invalid_credentials', 'conflict'], statusOf: { invalid_credentials: 403 } },
  // Passkeys (docs/security.md, "Passkeys").
  { method: 'post', path: '/api/auth/login/passkey/options', tag: 'accounts', summary: 'Start a passkey sign-in: a challenge any passkey of this site may answer', auth: 'public', success: ok(passkeyLoginOptionsDto, 'The options for navigator.credentials.get()'), errors: ['rate_limited'] },
  { method: 'post', path: '/api/auth/login/passkey', tag: 'accounts', summary: 'Sign in with a passkey (no password, no second factor)', auth: 'public', body: passkeyLoginSchema, success: ok(authResultDto, 'Signed in, with the two cookies'), errors: ['invalid_credentials', 'invalid_token', 'rate_limited'] },
  { method: 'post', path: '/api/auth/passkeys/options', tag: 'accounts', summary: 'Start adding a passkey (a recent sign-in): the options for navigator.credentials.create()', auth: 'user', success: ok(passkeyRegistrationOptionsDto, 'The options, with a challenge'), errors: ['forbidden', 'conflict', 'reauthentication_required'] },
  { method: 'post', path: '/api/auth/passkeys', tag: 'accounts', summary: 'Add the passkey the browser made, under a name (a recent sign-in)', auth: 'user', body: registerPasskeySchema, success: created(passkeyDto, 'The passkey'), errors: ['forbidden', 'conflict', 'invalid_credentials', 'invalid_token', 'reauthentication_required'], statusOf: { invalid_credentials: 403 } },
  { method: 'get', path: '/api/auth/passkeys', tag: 'accounts', summary: 'Your passkeys, oldest first', auth: 'user', success: ok(passkeyListDto, 'The passkeys'), errors: [] },
  { method: 'patch', path: '/api/auth/passkeys/{id}', tag: 'accounts', summary: 'Rename one of your passkeys', auth: 'user', params: passkeyIdParamsSchema, malformedParams: 'not_found', body: renamePasskeySchema, success: ok(passkeyDto, 'The passkey'), errors: ['not_found'] },
  { method: 'delete', path: '/api/auth/passkeys/{id}', tag: 'accounts', summary: 'Remove one of your passkeys (a recent sign-in; it signs in no more)', auth: 'user', params: passkeyIdParamsSchema, malformedParams: 'not_found', success: noContent, errors: ['not_found', 'reauthentication_required'] },
  { method: 'post', path: '/api/auth/reauth/passkey/options', tag: 'accounts', summary: 'Start re-authenticating with a passkey: a challenge for your own passkeys', auth: 'user', success: ok(passkeyLoginOptionsDto, 'The options for navigator.credentials.get()'), errors: ['conflict'] },
  { method: 'post', path: '/api/auth/reauth/passkey', tag: 'accounts', summary: 'Prove again who is behind this session with one of your passkeys, for sensitive changes', auth: 'user', body: passkeyLoginSchema, success: noContent, errors: ['invalid_credentials', 'invalid_token', 'rate_limited'], statusOf: { invalid_credentials: 403 } },
  { method: 'post', path: '/api/auth/guest', tag: 'accounts', summary: 'Sign in as a guest under a free username', auth: 'public', body: guestSchema, success: created(authResultDto, 'Signed in, with the two cookies'), errors: ['username_taken', 'rate_limited'] },
  { method: 'post', path: '/api/auth/refresh', tag: 'accounts', summary: 'Rotate the refresh cookie and get a new access token', auth: 'refresh-cookie', success: ok(refreshResultDto, 'A new access token; the refresh cookie rotated'), errors: ['unauthorized', 'token_reused'] },
  { method: 'post', path: '/api/auth/logout', tag: 'accounts', duringTwoFactorSetup: true, summary: 'Revoke this session and clear the cookies', auth: 'user', success: noContent, errors: [] },
  { method: 'get', path: '/api/auth/me', tag: 'accounts', duringTwoFactorSetup: true, summary: 'The signed-in person and this session', auth: 'user', success: ok(meResultDto, 'The person and this session'), errors: [] },
  { method: 'get', path: '/api/auth/sessions', tag: 'accounts', duringTwoFactorSetup: true, summary: 'The live sessions of the signed-in person', auth: 'user', success: ok(sessionListDto, 'The live sessions'), errors: [] },
  { method: 'delete', path: '/api/auth/sessions', tag: 'accounts', duringTwoFactorSetup: true, summary: 'Revoke every session but this one', auth: 'user', success: noContent, errors: [] },
  { method: 'delete', path: '/api/auth/sessions/{id}', tag: 'accounts', duringTwoFactorSetup: true, summary: 'Revoke one of your sessions', auth: 'user', params: sessionIdParamsSchema, malformedParams: 'not_found', success: noContent, errors: ['not_found'] },
  { method: 'put', path: '/api/auth/password', tag: 'accounts', summary: 'Change the password (revokes every other session)', auth: 'user', body: changePasswordSchema, success: noContent, errors: ['invalid_credentials', 'rate_limited'], statusOf: { invalid_credentials: 403 } },
  { method: 'post', path: '/api/auth/password/forgot', tag: 'accounts', summary: 'Mail a reset link (always 202)', auth: 'public', body: forgotPasswordSchema, success: accepted, errors: ['rate_limited'] },
  { method: 'post', path: '/api/auth/password/reset', tag: 'accounts', summary: 'Set a new password with a reset token', auth: 'public', body: resetPasswordSchema, success: noContent, errors: ['invalid_token', 'rate_limited'] },
  { method: 'post', path: '/api/auth/email/verify', tag: 'accounts', summary: 'Confirm an email with the mailed token', auth: 'public', body: verifyEmailSchema, success: noContent, errors: ['invalid_token'] },
  { method: 'post', path: '/api/auth/email/resend', tag: 'accounts', summary: 'Mail the verification link again', auth: 'user', success: accepted, errors: ['rate_limited'] },
]

const users: RouteSpec[] = [
  { method: 'get', path: '/api/users', tag: 'users', summary: 'The user directory (prefix search)', auth: 'user', query: userDirectoryQuerySchema, success: ok(userPageDto, 'A page of users'), errors: [] },
  { method: 'get', path: '/api/users/{id}', tag: 'users', summary: 'One user', auth: 'user', params: userIdParamsSchema, malformedParams: 'not_found', success: ok(userDto, 'The public user'), errors: ['not_found'] },
  { method: 'patch', path: '/api/users/me', tag: 'users', summary: 'Change your profile (a new email needs a recent sign-in)', auth: 'user', body: updateProfileSchema, success: ok(meDto, 'The changed profile'), errors: ['email_taken', 'reauthentication_required'] },
  { method: 'delete', path: '/api/users/me', tag: 'users', summary: 'Delete your account', auth: 'user', body: deleteAccountSchema, success: noContent, errors: ['invalid_credentials', 'rate_limited'], statusOf: { invalid_credentials: 403 } },
  { method: 'get', path: '/api/admin/users', tag: 'users', summary: 'The admin list of users, with personal data and bans', auth: 'admin', query: userDirectoryQuerySchema, success: ok(adminUserPageDto, 'A page of users with personal data'), errors: [] },
  { method: 'patch', path: '/api/admin/users/{id}', tag: 'users', summary: 'Change a user\'s role or ban', auth: 'admin', params: userIdParamsSchema, malformedParams: 'not_found', body: adminUpdateUserSchema, success: ok(adminUserDto, 'The changed user'), errors: ['not_found', 'conflict'] },
]

const chats: RouteSpec[] = [
  { method: 'get', path: '/api/chats', tag: 'chats', summary: 'Your chats, most recent activity first', auth: 'user', query: chatListQuerySchema, success: ok(chatPageDto, 'A page of chats'), errors: [] },
  {
    method: 'post', path: '/api/chats', tag: 'chats', summary: 'Start a direct chat, create a group or a channel', auth: 'user', body: createChatSchema,
    success: [{ status: 201, description: 'The new chat', schema: chatDto }, { status: 200, description: 'The existing direct chat with that person', schema: chatDto }],
    errors: ['forbidden', 'not_found', 'name_taken', 'conflict'],
  },
  { method: 'get', path: '/api/chats/public', tag: 'chats', summary: 'The channel directory', auth: 'user', query: publicChatsQuerySchema, success: ok(publicChatPageDto, 'A page of channels'), errors: [] },
  { method: 'get', path: '/api/chats/{id}', tag: 'chats', summary: 'One chat (with its members for direct and group chats)', auth: 'user', params: chatIdParamsSchema, success: ok(chatDetailDto, 'The chat'), errors: ['not_found'] },
  { method: 'patch', path: '/api/chats/{id}', tag: 'chats', summary: 'Rename a chat or change its topic', auth: 'user', params: chatIdParamsSchema, body: updateChatSchema, success: ok(chatDto, 'The chat'), errors: ['forbidden', 'not_found', 'name_taken'] },
  { method: 'delete', path: '/api/chats/{id}', tag: 'chats', summary: 'Delete a chat for everyone', auth: 'user', params: chatIdParamsSchema, success: noContent, errors: ['forbidden', 'not_found'] },
  { method: 'post', path: '/api/chats/{id}/join', tag: 'chats', summary: 'Join a channel (idempotent)', auth: 'user', params: chatIdParamsSchema, success: ok(chatDto, 'The chat'), errors: ['forbidden', 'not_found', 'conflict'] },
  { method: 'post', path: '/api/chats/{id}/leave', tag: 'chats', summary: 'Leave a group or channel', auth: 'user', params: chatIdParamsSchema, success: noContent, errors: ['forbidden', 'not_found', 'conflict'] },
  { method: 'get', path: '/api/chats/{id}/members', tag: 'chats', summary: 'The members of a chat, by join time (only those of one role with ?role=; with ?q=, those whose username or display name starts with it, in username order)', auth: 'user', params: chatIdParamsSchema, query: memberListQuerySchema, success: ok(memberPageDto, 'A page of members'), errors: ['not_found'] },
  { method: 'get', path: '/api/chats/{id}/next-owner', tag: 'chats', summary: 'Who would own the chat if its owner left now (the longest-standing admin, else member; null for nobody)', auth: 'user', params: chatIdParamsSchema, success: ok(nextOwnerDto, 'The next owner'), errors: ['forbidden', 'not_found'] },
  { method: 'post', path: '/api/chats/{id}/members', tag: 'chats', summary: 'Add members to a group', auth: 'user', params: chatIdParamsSchema, body: addMembersSchema, success: ok(chatDto, 'The chat'), errors: ['forbidden', 'not_found', 'conflict'] },
  { method: 'delete', path: '/api/chats/{id}/members/{userId}', tag: 'chats', summary: 'Remove a member', auth: 'user', params: memberParamsSchema, success: noContent, errors: ['forbidden', 'not_found', 'conflict'] },
  { method: 'patch', path: '/api/chats/{id}/members/{userId}', tag: 'chats', summary: 'Make a member admin or member', auth: 'user', params: memberParamsSchema, body: memberRoleSchema, success: ok(memberDto, 'The member with the new role'), errors: ['forbidden', 'not_found'] },
  { method: 'put', path: '/api/chats/{id}/notifications', tag: 'chats', summary: 'Your notification setting for a chat (every message, mentions only, mute)', auth: 'user', params: chatIdParamsSchema, body: notificationSettingsSchema, success: ok(chatDto, 'The chat with your new setting'), errors: ['forbidden', 'not_found'] },
  { method: 'post', path: '/api/chats/{id}/read', tag: 'chats', summary: 'Move your read position forward', auth: 'user', params: chatIdParamsSchema, body: markReadSchema, success: noContent, errors: ['forbidden', 'not_found'] },
]

const messages: RouteSpec[] = [
  { method: 'get', path: '/api/chats/{id}/messages', tag: 'messages', summary: 'A page of history, ascending by seq', auth: 'user', params: chatIdParamsSchema, query: historyQuerySchema, success: ok(messageHistoryDto, 'Messages ascending by seq, tombstones included'), errors: ['not_found'] },
  { method: 'get', path: '/api/chats/{id}/changes', tag: 'messages', summary: 'Messages changed after a changeSeq: the catch-up after a reconnect', auth: 'user', params: chatIdParamsSchema, query: changesQuerySchema, success: ok(changesPageDto, 'Messages ascending by changeSeq; continue with since=lastChangeSeq while hasMore'), errors: ['not_found'] },
  {
    method: 'post', path: '/api/chats/{id}/messages', tag: 'messages', summary: 'Send a message', auth: 'user', params: chatIdParamsSchema, body: sendMessageSchema,
    success: [{ status: 201, description: 'The stored message', schema: messageDto }, { status: 200, description: 'The original message of a repeated clientId (nothing broadcast)', schema: messageDto }],
    errors: ['forbidden', 'not_found', 'conflict', 'rate_limited', 'unavailable'],
  },
  { method: 'patch', path: '/api/messages/{id}', tag: 'messages', summary: 'Edit your message', auth: 'user', params: messageIdParamsSchema, body: editMessageSchema, success: ok(messageDto, 'The message'), errors: ['forbidden', 'not_found', 'conflict'] },
  { method: 'delete', path: '/api/messages/{id}', tag: 'messages', summary: 'Delete a message (it stays as a tombstone)', auth: 'user', params: messageIdParamsSchema, success: noContent, errors: ['forbidden', 'not_found', 'conflict'] },
  { method: 'put', path: '/api/messages/{id}/reactions/{emoji}', tag: 'messages', summary: 'Add your reaction (idempotent)', auth: 'user', params: reactionParamsSchema, success: ok(messageDto, 'The message'), errors: ['forbidden', 'not_found', 'conflict'] },
  { method: 'delete', path: '/api/messages/{id}/reactions/{emoji}', tag: 'messages', summary: 'Remove your reaction (idempotent)', auth: 'user', params: reactionRemovalParamsSchema, success: ok(messageDto, 'The message'), errors: ['forbidden', 'not_found', 'conflict'] },
  { method: 'get', path: '/api/search/messages', tag: 'messages', summary: 'Search the messages of your chats, newest first', auth: 'user', query: searchQuerySchema, success: ok(messagePageDto, 'A page of messages'), errors: [] },
]

const fileAnswers: RouteSuccess[] = [
  { status: 200, description: 'The file; Content-Type is the detected type, Content-Disposition attachment unless a raster image, audio or video', media: 'file' },
  { status: 206, description: 'The requested Range (one range; Content-Range says which)', media: 'file' },
  { status: 304, description: 'If-None-Match named its ETag', media: 'none' },
  { status: 416, description: 'The Range lies outside the file (Content-Range: bytes */size)', media: 'none' },
]

const attachments: RouteSpec[] = [
  {
    method: 'post', path: '/api/chats/{id}/attachments', tag: 'attachments', summary: 'Upload a file to attach to a message (multipart `file` part, or a raw body)', auth: 'user',
    params: chatIdParamsSchema, query: uploadQuerySchema, upload: true, success: created(uploadResultDto, 'The stored attachment, to name in a send within the hour'),
    errors: ['forbidden', 'not_found', 'payload_too_large', 'rate_limited'],
  },
  { method: 'get', path: '/api/chats/{id}/attachments', tag: 'attachments', summary: 'The chat\'s Files panel, newest first', auth: 'user', params: chatIdParamsSchema, query: chatFilesQuerySchema, success: ok(chatFilePageDto, 'A page of files; continue with before=nextCursor'), errors: ['forbidden', 'not_found'] },
  { method: 'get', path: '/api/attachments/limits', tag: 'attachments', summary: 'What this server accepts as an upload, so a client refuses a file over it before sending its bytes', auth: 'user', success: ok(attachmentLimitsDto, 'The limits'), errors: [] },
  { method: 'get', path: '/api/attachments/{id}', tag: 'attachments', summary: 'The file (members of its chat only)', auth: 'user', params: attachmentIdParamsSchema, malformedParams: 'not_found', success: fileAnswers, errors: ['not_found'] },
  { method: 'get', path: '/api/attachments/{id}/thumbnail', tag: 'attachments', summary: 'An image\'s WebP thumbnail, at most 640 px (members of its chat only)', auth: 'user', params: attachmentIdParamsSchema, malformedParams: 'not_found', success: fileAnswers, errors: ['not_found'] },
]

// Web Push, per session (docs/messages.md, "Web Push").
const push: RouteSpec[] = [
  { method: 'get', path: '/api/push/vapid-public-key', tag: 'accounts', summary: 'The server\'s VAPID public key, for PushManager.subscribe', auth: 'user', success: ok(pushPublicKeyDto, 'The key, base64url'), errors: [] },
  { method: 'put', path: '/api/push/subscription', tag: 'accounts', summary: 'Push to this session\'s browser (its PushSubscription)', auth: 'user', body: pushSubscriptionSchema, success: noContent, errors: [] },
  { method: 'delete', path: '/api/push/subscription', tag: 'accounts', summary: 'Stop pushing to this session (idempotent)', auth: 'user', success: noContent, errors: [] },
]

const operations: RouteSpec[] = [
  {
    method: 'get', path: '/api/health', tag: 'operations', summary: 'Whether the database answers, and which bus carries events', auth: 'public',
    success: [{ status: 200, description: 'Status "ok"', schema: healthDto }, { status: 503, description: 'Status "degraded": the database does not answer', schema: healthDto }],
    errors: [],
  },
  { method: 'get', path: '/api/openapi.json', tag: 'operations', summary: 'This document', auth: 'public', success: [{ status: 200, description: 'The OpenAPI 3.1 document' }], errors: [] },
]

export const ROUTES: readonly RouteSpec[] = [...accounts, ...users, ...chats, ...messages, ...attachments, ...push, ...operations]
