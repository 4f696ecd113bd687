import { z } from 'zod'

/**
 * A whole number in a query string: decimal digits only. `z.coerce.number()` read `?before=`
 * (empty) as 0 and took `1e2` and `0x10`; each is a client's mistake, answered 400
 * validation_failed (docs/api.md, "Lists"; tests/api/list-query-values.test.ts).
 */
export function queryInteger(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z.string()
    .regex(/^\d{1,16}$/, 'Expected a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
}
