// Sizes as people read them, in the app (file cards, the upload queue) and in the
// server's refusals ("A file can have at most 25.0 MB.").

/** "820 B", "14.2 KB", "3.1 MB" (binary multiples, as the limits are written). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`
}

/** The refusal of a file over the size limit: the server's 413 and the app's own check before uploading say the same. */
export function fileTooLargeMessage(maxBytes: number): string {
  return `A file can have at most ${formatBytes(maxBytes)}.`
}
