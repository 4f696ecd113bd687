import type { z, ZodType } from 'zod'
import { DEFAULT_ERROR_MESSAGES } from '#shared/errors'
import { ApiError } from './errors'

/** A Vuetify field rule from a shared zod schema: the server's own check, in the form. */
export function zodRule(schema: ZodType) {
  return (value: unknown): true | string => {
    const result = schema.safeParse(value)
    return result.success || (result.error.issues[0]?.message ?? 'Not valid')
  }
}

/** An optional text field: empty is fine, anything else must pass the schema. */
export function optionalZodRule(schema: ZodType) {
  const rule = zodRule(schema)
  return (value: unknown): true | string => (value === '' || value === null || value === undefined ? true : rule(value))
}

/**
 * A form's values as the server's schema reads them (trimmed, a code without its spaces),
 * typed for the request; values it refuses fail as the server would answer them
 * (`validation_failed` with the schema's issues), told like any failure.
 */
export function parseInput<S extends ZodType>(schema: S, values: unknown): z.output<S> {
  const parsed = schema.safeParse(values)
  if (parsed.success) return parsed.data
  throw new ApiError({
    statusCode: 400,
    message: DEFAULT_ERROR_MESSAGES.validation_failed,
    data: {
      code: 'validation_failed',
      issues: parsed.error.issues.map(issue => ({ path: issue.path.map(segment => (typeof segment === 'symbol' ? String(segment) : segment)), message: issue.message, code: issue.code })),
    },
  })
}
