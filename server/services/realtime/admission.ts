import { mustSetUpTwoFactor, type Actor } from '../../utils/auth'
import { isDatabaseUnavailable, toApiError } from '../../utils/errors'
import { withDeadline } from '../../utils/resilience'
import type { SocketCap } from './socket-cap'
import { enterUpgrade, type UpgradePlace } from './upgrade-gate'

// The one admission of a socket, whether its token came with the upgrade (server/routes/ws.ts
// answers a refusal with an HTTP status) or in its first `auth` frame (socket.ts closes it
// with a close code). docs/api-realtime.md, "WebSocket", lists both answers of each refusal.

/** Why a socket is not let in. */
export type AdmissionRefusal
  = | 'busy' // the instance handles its bound of upgrades already (upgrade-gate.ts)
    | 'database-unavailable' // authentication could not read the session in time: nothing is known of the token
    | 'server-error' // authentication failed otherwise: nothing is known of the token either
    | 'unauthorized' // a bad or expired token, an ended session, a banned user
    | 'two-factor-setup-required' // NUXT_REQUIRE_2FA and the account has not set it up
    | 'too-many-sockets' // the user's 20 sockets are open (socket-cap.ts)
    | 'account-changed' // the upgrade named another account than the token's (`?expectedUser=`, a tab of a browser signed in again)

/**
 * A socket let in: who it acts for, and its place in the upgrade gate (given back once its
 * `ready` went out). It also holds a place in the user's socket cap until it opens (the
 * socket's activation releases it).
 */
export interface Admitted { actor: Actor, place: UpgradePlace }

export type Admission = Admitted | { refusal: AdmissionRefusal }

/** `expectedUserId`: the account the upgrade says it is for (its `?expectedUser=`), when it says one. */
export type Admit = (token: string, expectedUserId?: string | null) => Promise<Admission>

export interface AdmissionDeps {
  cap: Pick<SocketCap, 'hold'>
  /** The token's live session and user, or null (the accounts service's, given by the plugin). */
  authenticate: (token: string) => Promise<Actor | null>
}

export function createAdmission({ cap, authenticate }: AdmissionDeps): Admit {
  async function check(token: string, expectedUserId?: string | null): Promise<Actor | AdmissionRefusal> {
    let actor: Actor | null
    try {
      actor = await withDeadline(() => authenticate(token))
    }
    catch (error) {
      // The database did not answer (in time): that says nothing about the token (a 401 or 4401 would sign the person out).
      return isDatabaseUnavailable(error) || toApiError(error).body.data.code === 'unavailable' ? 'database-unavailable' : 'server-error'
    }
    if (!actor) return 'unauthorized'
    if (expectedUserId && expectedUserId !== actor.userId) return 'account-changed'
    if (mustSetUpTwoFactor(actor.user)) return 'two-factor-setup-required'
    // A place held until the socket opens: admissions racing on this instance cannot pass the cap together.
    if (!cap.hold(actor.userId)) return 'too-many-sockets'
    return actor
  }

  return async function admit(token, expectedUserId) {
    // The gate before the token is read, deliberately: in a reconnect storm the excess is
    // refused at once, without the JWT verification and the session's and user's reads that
    // every admitted socket costs the same core (docs/api-realtime.md, "Upgrades in flight").
    const place = enterUpgrade()
    if (!place) return { refusal: 'busy' }
    const checked = await check(token, expectedUserId)
    if (typeof checked === 'string') {
      place() // a refusal never keeps a place
      return { refusal: checked }
    }
    return { actor: checked, place }
  }
}
