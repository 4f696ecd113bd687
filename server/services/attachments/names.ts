import { ATTACHMENT_NAME_MAX_BYTES } from '#shared/limits'

// A file's name comes from the client and is never trusted: it is only ever shown and
// offered as a download name, never used as a path, and cleaned first.

// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g
/** Bidirectional overrides turn `evil\u202Egnp.exe` into what looks like `evilexe.png`. */
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
const RESERVED = /[<>:"|?*]/g

function cutToBytes(text: string, maxBytes: number): string {
  let out = ''
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break
    out += char
  }
  return out
}

/**
 * The name stored and shown: no path (only what follows the last `/` or `\`), no control
 * characters (NUL included), no bidirectional overrides, no leading dots, and at most 255
 * UTF-8 bytes with the extension kept. An empty result is `file`.
 */
export function sanitizeFileName(raw: string | undefined | null): string {
  let name = (raw ?? '').toWellFormed().normalize('NFC').replace(CONTROL, '').replace(BIDI, '')
  name = name.split(/[/\\]/).pop() ?? ''
  name = name.replace(RESERVED, '_').trim().replace(/^[.\s]+/, '')
  if (Buffer.byteLength(name) > ATTACHMENT_NAME_MAX_BYTES) {
    const dot = name.lastIndexOf('.')
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : ''
    name = cutToBytes(name.slice(0, name.length - extension.length), ATTACHMENT_NAME_MAX_BYTES - Buffer.byteLength(extension)) + extension
  }
  return name || 'file'
}

/** A file name's extension, lower-cased, without the dot ('' when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}
