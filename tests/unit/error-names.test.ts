import { describe, expect, it } from 'vitest'
import { errorName } from '../../server/utils/logger'
import { isDatabaseUnavailable } from '../../server/utils/errors'

// Log lines name errors by name and code, never message (docs/deploy.md, "Logs"); a socket
// code alone is no database failure (the S3 client raises ECONNREFUSED too).

function withCode(name: string, code: string, message = 'connect ECONNREFUSED secret-host:9000') {
  return Object.assign(Object.assign(new Error(message), { code }), name === 'Error' ? {} : { name })
}

describe('errorName', () => {
  it('adds the code that Redis and the S3 client put on a plain Error, never the message', () => {
    expect(errorName(withCode('Error', 'ECONNREFUSED'))).toBe('Error ECONNREFUSED')
    expect(errorName(withCode('Error', 'ECONNREFUSED'))).not.toContain('secret-host')
    expect(errorName(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket', Code: 'NoSuchBucket' }))).toBe('NoSuchBucket')
    expect(errorName(new TypeError('x'))).toBe('TypeError')
  })
})

describe('isDatabaseUnavailable', () => {
  it('takes a refused connection for the database only when the driver raised it', () => {
    expect(isDatabaseUnavailable(withCode('Error', 'ECONNREFUSED'))).toBe(false)
    expect(isDatabaseUnavailable(withCode('MongoNetworkError', 'ECONNREFUSED'))).toBe(true)
  })
})
