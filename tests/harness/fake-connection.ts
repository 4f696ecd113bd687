import { randomUUID } from 'node:crypto'
import type { ServerFrame } from '#shared/types/api'
import type { Connection } from '../../server/services/realtime/hub'

/** A socket as the hub sees it, whose frames are kept in `frames` for the test to read. */
export function fakeConnection(userId: string): { connection: Connection, frames: ServerFrame[] } {
  const frames: ServerFrame[] = []
  const connection: Connection = {
    id: randomUUID(), userId, sessionId: randomUUID(), topics: new Set(), backlog: null,
    send: frame => frames.push(frame), close: () => {}, refreshUser: () => {},
  }
  return { connection, frames }
}
