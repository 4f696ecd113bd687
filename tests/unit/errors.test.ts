import { describe, expect, it } from 'vitest'
import { createError } from 'h3'
import { z } from 'zod'
import { apiError, isDuplicateKeyError, toApiError } from '../../server/utils/errors'
import { errorFrames } from '../../server/utils/logger'

describe('the error helper', () => {
  it('builds the contract body with the code default status', () => {
    const { body } = toApiError(apiError('not_found'))
    expect(body).toEqual({ statusCode: 404, message: expect.any(String), data: { code: 'not_found' } })
  })

  it('lets the contract override a status (403 invalid_credentials)', () => {
    expect(toApiError(apiError('invalid_credentials', undefined, { statusCode: 403 })).body.statusCode).toBe(403)
  })

  it('carries Retry-After for rate limits, outside the body', () => {
    const { body, retryAfter } = toApiError(apiError('rate_limited', undefined, { retryAfter: 2.2 }))
    expect(retryAfter).toBe(3)
    expect(body.data).toEqual({ code: 'rate_limited' })
  })

  it('turns a zod failure (as h3 validation wraps it) into 400 validation_failed with issues', () => {
    const parsed = z.strictObject({ name: z.string() }).safeParse({ name: 1, extra: true })
    const wrapped = createError({ statusCode: 400, data: parsed.error })
    const { body } = toApiError(wrapped)
    expect(body.statusCode).toBe(400)
    expect(body.data.code).toBe('validation_failed')
    expect(body.data.issues?.map(issue => issue.code)).toEqual(expect.arrayContaining(['invalid_type', 'unrecognized_keys']))
  })

  it('never lets an unknown error message or stack out', () => {
    const { body } = toApiError(new Error('MongoServerError: connection string mongodb://user:secret@host'))
    expect(body).toEqual({ statusCode: 500, message: expect.not.stringContaining('secret'), data: { code: 'internal_error' } })
  })

  it('logs where an unexpected error was thrown without its message', () => {
    const error = new Error('connect to mongodb://user:secret@host failed')
    const frames = errorFrames(error)
    expect(frames).toMatch(/^at .*errors\.test\.ts/)
    expect(frames).not.toContain('secret')
    expect(errorFrames('not an error')).toBe('')
  })

  it('recognises duplicate keys from MongoDB and from FerretDB updates', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true)
    expect(isDuplicateKeyError({ code: 1, message: 'constraint failed: UNIQUE constraint failed: index \'users_email_1\' (2067)' })).toBe(true)
    expect(isDuplicateKeyError({ code: 1, message: 'something else' })).toBe(false)
    expect(isDuplicateKeyError(new Error('boom'))).toBe(false)
  })
})
