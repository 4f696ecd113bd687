import Bowser from 'bowser'
import type { Types } from 'mongoose'
import type { SignInMethod } from '#shared/types/api'
import { KnownBrowsersModel, loadById, type KnownBrowsersRecord, type SessionRecord, type UserRecord } from '../../models'
import { serverConfig } from '../../utils/config'
import { isDuplicateKeyError } from '../../utils/errors'
import { withLock } from '../../utils/lock'
import { errorName, logger } from '../../utils/logger'
import { sendMail } from '../../utils/mail'
import { accountLimiters } from './limits'

// Knowing who signed in: what a session's User-Agent says (browser and OS, by bowser), and
// the "New sign-in" mail for a browser the account has not signed in from before.

export interface BrowserDetails {
  /** Name and major version: "Chrome 131". */
  browser: string | null
  os: string | null
}

export function parseUserAgent(userAgent: string | null): BrowserDetails {
  if (!userAgent) return { browser: null, os: null }
  const parsed = Bowser.parse(userAgent)
  const major = parsed.browser.version?.split('.')[0]
  const browser = parsed.browser.name ? [parsed.browser.name, major].filter(Boolean).join(' ') : null
  return { browser, os: parsed.os.name || null }
}

/** The browser family, without versions: an update of Chrome is not a new browser. */
function familyOf(details: BrowserDetails): string {
  return `${details.browser?.replace(/ \d+$/, '') ?? 'unknown'} on ${details.os ?? 'unknown'}`
}

/**
 * Adds the session's browser family to the account's known ones; true when it was not
 * known before. The account's first family (its registration, or its first sign-in after
 * this list began) is not "new": there is nothing to compare it with.
 */
async function rememberBrowser(userId: Types.ObjectId, family: string): Promise<boolean> {
  return withLock(`known-browsers:${String(userId)}`, async () => {
    const known = await loadById<KnownBrowsersRecord>(KnownBrowsersModel, userId)
    if (!known) {
      // The insert arbitrates between instances: the loser's family is added below.
      try {
        await KnownBrowsersModel.create({ _id: userId, families: [family] })
        return false
      }
      catch (error) {
        if (!isDuplicateKeyError(error)) throw error
      }
    }
    else if (known.families.includes(family)) {
      return false
    }
    const { modifiedCount } = await KnownBrowsersModel.updateOne({ _id: userId }, { $addToSet: { families: family } })
    return modifiedCount === 1
  })
}

const METHOD_WORDS: Record<SignInMethod, string> = {
  'password': 'password',
  'password+2fa': 'password and two-factor code',
  'passkey': 'passkey',
  'guest': 'guest',
}

/**
 * Records the browser of a new session (on the request path, so the next sign-in already
 * knows it) and, for a sign-in (not a registration, never a guest; a refresh is no
 * sign-in) from a browser the account has not used, mails its email address, verified or
 * not: the address is the owner's own, and a warning that waits for verification comes too
 * late. The mail is sent off the request path. Never throws.
 */
export async function noteSignIn(user: UserRecord, session: SessionRecord, options: { registration: boolean }): Promise<void> {
  if (session.method === 'guest') return
  try {
    const family = familyOf({ browser: session.browser ?? null, os: session.os ?? null })
    const isNew = await rememberBrowser(user._id, family)
    if (!isNew || options.registration || !user.email) return
    // One account cannot be made to flood its inbox (the mail limiter, keyed by account).
    if (!(await accountLimiters().mails.consume(`sign-in:${String(user._id)}`)).allowed) return
    void sendMail(newSignInMail(user, session, family))
  }
  catch (error) {
    logger.warn('new sign-in notice failed', { userId: String(user._id), error: errorName(error) })
  }
}

function newSignInMail(user: UserRecord, session: SessionRecord, family: string) {
  const link = `${serverConfig().appUrl}/settings#sessions`
  const method = session.method ? METHOD_WORDS[session.method] ?? session.method : 'unknown'
  const browser = session.browser && session.os ? `${session.browser} on ${session.os}` : family
  return {
    to: user.email!,
    subject: 'New sign-in to your Parley account',
    link,
    text: `Hello ${user.displayName},\n\nyour Parley account "${user.username}" was just signed in to from a browser it has not used before:\n\n`
      + `  Browser: ${browser}\n  Address: ${session.ip ?? 'unknown'}\n  Time: ${session.createdAt.toISOString()}\n  Signed in with: ${method}\n\n`
      + `If this was you, there is nothing to do. If not, sign that session out and change your password:\n\n${link}\n`,
  }
}
