/** A copy of `record` without `key` (records in stores are replaced, not mutated, on removal). */
export function omitKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record
  const { [key]: _omitted, ...rest } = record
  return rest
}
