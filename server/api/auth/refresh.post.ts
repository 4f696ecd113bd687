import { H3Error } from 'h3'
import { refreshSession } from '../../services/accounts/sessions'
import { clearAuthCookies, REFRESH_COOKIE, setAuthCookies } from '../../utils/auth-cookies'
import { EXPECTED_USER_HEADER } from '#shared/types/api'
import { assertTrustedOrigin, parseExpectedUser } from '../../utils/auth'

// Authenticated by its cookie alone, so the CSRF rule applies.
export default defineEventHandler(async (event) => {
  assertTrustedOrigin(event.node.req.headers)
  try {
    const { result, refreshToken } = await refreshSession(getCookie(event, REFRESH_COOKIE), parseExpectedUser(getRequestHeader(event, EXPECTED_USER_HEADER)))
    setAuthCookies(event, { accessToken: result.accessToken, refreshToken })
    setResponseHeader(event, 'cache-control', 'no-store')
    return result
  }
  catch (error) {
    if (error instanceof H3Error && error.statusCode === 401) clearAuthCookies(event)
    throw error
  }
})
