import type { FrameHandler } from './router'

/** `ping`: `pong`, with the frame's `id` when it had one. */
export const ping: FrameHandler<'ping'> = async frame => frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id }
