import type { ServerFrame } from '#shared/types/api'

// One serialization per broadcast: the hub hands every recipient of an event the same
// frame object, so its JSON and UTF-8 bytes are made once and the same Buffer is written
// to each socket (issue 16's profile: JSON.stringify and the encoding ran once per
// recipient). Frames are never changed after they are sent; the WeakMap lets a frame's
// bytes go with it.
const encodedFrames = new WeakMap<ServerFrame, Buffer>()

/** The frame as the UTF-8 bytes of its JSON text, made at most once per frame object. */
export function encodeFrame(frame: ServerFrame): Buffer {
  let bytes = encodedFrames.get(frame)
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(frame))
    encodedFrames.set(frame, bytes)
  }
  return bytes
}
