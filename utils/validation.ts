import type { ZodType } from 'zod'

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
