// Opaque list cursors: base64url JSON of the last item's sort key. A cursor that does not
// decode is treated as the start of the list, never as an error the client cannot fix.
export interface CursorData {
  /** A time in ms (activity, join or creation time). */
  t?: number
  /** A lower-case name (the channel directory). */
  name?: string
  id: string
}

export function encodeCursor(data: CursorData): string {
  return Buffer.from(JSON.stringify(data)).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): CursorData | null {
  if (!cursor) return null
  try {
    const data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorData
    if (typeof data !== 'object' || data === null || typeof data.id !== 'string' || !/^[\w:]{1,80}$/.test(data.id)) return null
    if (data.t !== undefined && typeof data.t !== 'number') return null
    if (data.name !== undefined && typeof data.name !== 'string') return null
    return data
  }
  catch {
    return null
  }
}
