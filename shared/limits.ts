/** Request bodies over this size are refused with 413 (docs/api.md, Conventions). */
export const MAX_BODY_BYTES = 64 * 1024
/** WebSocket frames over this size close the socket with 1009. */
export const WS_MAX_FRAME_BYTES = 64 * 1024

export const LIST_LIMIT = { default: 30, max: 100 } as const
export const MESSAGE_LIST_LIMIT = { default: 50, max: 100 } as const

/**
 * Retry-After (seconds) on the WebSocket upgrade's 429 over the per-user socket cap. A
 * place frees when one of the user's sockets closes, which the server cannot foresee:
 * this is the back-off it asks for, not a promise.
 */
export const SOCKET_CAP_RETRY_AFTER_SECONDS = 10

/** Attachments one message may carry (docs/attachments.md). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10
/** The longest side of an image thumbnail, in pixels (WebP). */
export const THUMBNAIL_MAX_PX = 640
/** An attachment's name is cut to this many UTF-8 bytes (most file systems' limit). */
export const ATTACHMENT_NAME_MAX_BYTES = 255
/** The Files panel's page size: default and most. */
export const FILE_LIST_LIMIT = { default: 30, max: 100 } as const

// Text limits, in Unicode code points: the schemas (shared/schemas) enforce them and the
// forms show them (maxlength, counters, hints), from these numbers alone.
/** A message's text (shared/schemas/messages.ts). */
export const MESSAGE_MAX = 4000
/** A group's or channel's name, and a channel's topic (shared/schemas/chats.ts). */
export const CHAT_NAME_MAX = 80
export const CHAT_TOPIC_MAX = 250
/** A display name (and a passkey's name), the profile's country and "About you" (shared/schemas/auth.ts, users.ts). */
export const DISPLAY_NAME_MAX = 64
export const COUNTRY_MAX = 64
export const BIO_MAX = 500
/** Search words (shared/schemas/messages.ts, searchQuerySchema). */
export const SEARCH_MIN = 2
export const SEARCH_MAX = 100
/** A password, used whole (never trimmed or cut). */
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256
