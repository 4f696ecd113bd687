import { describe, expect, it } from 'vitest'
import { ApiError } from '~~/utils/errors'

describe('snackbar', () => {
  it('tells a failed API call in the server\'s own words, not a generic one', () => {
    const snackbar = useSnackbarStore()
    snackbar.notifyError(new ApiError({ statusCode: 403, message: 'Wrong username, email or password.', data: { code: 'invalid_credentials' } }))
    expect(snackbar.current?.message).toBe('Wrong username, email or password.')
    expect(snackbar.current?.color).toBe('error')
  })
})
