/** Request bodies over this size are refused with 413 (docs/api.md, Conventions). */
export const MAX_BODY_BYTES = 64 * 1024
/** WebSocket frames over this size close the socket with 1009. */
export const WS_MAX_FRAME_BYTES = 64 * 1024

export const LIST_LIMIT = { default: 30, max: 100 } as const
export const MESSAGE_LIST_LIMIT = { default: 50, max: 100 } as const
