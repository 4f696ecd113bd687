import { describe, expect, it } from 'vitest'
import { CLIENT_FRAME_TYPES } from '#shared/schemas/ws'
import { parseFrame } from '../../server/services/realtime/frames/router'

// CLIENT_FRAME_TYPES is read off the frame union (shared/schemas/ws.ts): a frame type the
// union gains is known at once, so a malformed one is "invalid", never "unknown".
describe('client frame types', () => {
  it('are the union\'s types, each once', () => {
    expect([...CLIENT_FRAME_TYPES].sort()).toEqual(['auth', 'chat.unwatch', 'chat.watch', 'message.delete', 'message.edit', 'message.send', 'ping', 'reaction.add', 'reaction.remove', 'read', 'typing', 'visibility'])
  })

  it('tell a malformed frame of a known type from a type there is not', () => {
    for (const type of CLIENT_FRAME_TYPES) {
      expect(parseFrame(JSON.stringify({ type, id: 'x', unexpected: true }))).toMatchObject({ id: 'x', message: expect.stringMatching(new RegExp(`^Invalid ${type.replace('.', '\\.')} frame`)) })
    }
    expect(parseFrame(JSON.stringify({ type: 'warp.drive', id: 'y' }))).toEqual({ id: 'y', message: 'Unknown frame type: warp.drive.' })
    expect(parseFrame(JSON.stringify({ type: 'ping' }))).toEqual({ frame: { type: 'ping' } })
  })
})
