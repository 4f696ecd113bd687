import { clientFrameSchema, CLIENT_FRAME_TYPES, type ClientFrame } from '#shared/schemas/ws'
import type { ServerFrame } from '#shared/types/api'
import type { Actor } from '../../../utils/auth'
import type { Connection, Hub } from '../hub'

// Where a WebSocket frame is parsed and routed: the text becomes a ClientFrame through
// the shared zod schema (shared/schemas/ws.ts, the same one the client uses), then goes
// to the handler of its type, one file per frame type beside this one (as server/api/
// has one file per route; ./index.ts lists them). Handlers call the same services as the
// REST routes. `auth` is no handler's: it belongs to the socket's lifecycle (../socket.ts).

/** What a handler knows of the socket a frame came from. */
export interface FrameContext {
  actor: Actor
  connection: Connection
  hub: Pick<Hub, 'isSubscribed' | 'watch' | 'unwatch'>
}

/** The frame types an authenticated socket sends (everything but `auth`). */
export type FrameType = Exclude<ClientFrame['type'], 'auth'>
export type FrameOf<T extends FrameType> = Extract<ClientFrame, { type: T }>
/** Answers a frame: an `ack`, `pong` or `error` frame, or nothing. */
export type FrameHandler<T extends FrameType> = (frame: FrameOf<T>, context: FrameContext) => Promise<ServerFrame | null>
export type FrameHandlers = { [T in FrameType]: FrameHandler<T> }

export type ParsedFrame = { frame: ClientFrame } | { id?: string, message: string }

/** Parses one text frame; what does not parse says why, with the frame's `id` when it had one. */
export function parseFrame(text: string): ParsedFrame {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  }
  catch {
    return { message: 'Frames are JSON text.' }
  }
  const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined
  const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined
  if (typeof type !== 'string' || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
    return { id, message: `Unknown frame type${typeof type === 'string' ? `: ${type.slice(0, 40)}` : ''}.` }
  }
  const parsed = clientFrameSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { id, message: `Invalid ${type} frame${issue ? `: ${issue.path.join('.') || 'frame'} ${issue.message}` : ''}.` }
  }
  return { frame: parsed.data }
}

/** Hands a parsed frame of an authenticated socket to the handler of its type. */
export function routeFrame(handlers: FrameHandlers, frame: FrameOf<FrameType>, context: FrameContext): Promise<ServerFrame | null> {
  const handler = handlers[frame.type] as FrameHandler<FrameType>
  return handler(frame, context)
}

export function ack(id: string | undefined, extra: Partial<Extract<ServerFrame, { type: 'ack' }>> = {}): ServerFrame {
  return id === undefined ? { type: 'ack', ...extra } : { type: 'ack', id, ...extra }
}
