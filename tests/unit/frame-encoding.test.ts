import { describe, expect, it } from 'vitest'
import type { ServerFrame } from '#shared/types/api'
import { encodeFrame } from '../../server/services/realtime/frame-encoding'

// A broadcast is serialized once (server/services/realtime/frame-encoding.ts): every
// recipient of one event is written the same bytes, which are the frame's JSON.
describe('encodeFrame', () => {
  const typing = (userId: string): ServerFrame => ({ type: 'typing', chatId: 'c1', userId, displayName: 'Ana', expiresAt: '2026-12-04T00:00:05.000Z' })

  it('writes the frame as its JSON text in UTF-8', () => {
    const frame: ServerFrame = { type: 'typing', chatId: 'ça', userId: 'u1', displayName: 'Zoë', expiresAt: '2026-12-04T00:00:05.000Z' }
    expect(JSON.parse(encodeFrame(frame).toString('utf8'))).toEqual(frame)
  })

  it('encodes one frame object once, whatever the number of recipients', () => {
    const frame = typing('u1')
    const first = encodeFrame(frame)
    for (let recipient = 0; recipient < 1_000; recipient++) expect(encodeFrame(frame)).toBe(first)
  })

  it('encodes each frame object on its own', () => {
    expect(encodeFrame(typing('u1')).toString()).not.toBe(encodeFrame(typing('u2')).toString())
  })
})
