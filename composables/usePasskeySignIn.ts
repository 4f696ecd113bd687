import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication, WebAuthnAbortService, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser'

/**
 * Signing in with a passkey on /login (docs/security.md, "Passkeys"), two ways:
 * - `signIn`, the "Sign in with a passkey" button: the browser asks which passkey;
 * - the browser's own offer in the username field (conditional UI, the field's
 *   `autocomplete="username webauthn"`), started once the form is on screen. It waits in
 *   the background: typing, a password manager and the password form work as if it were
 *   not there, and `pause` (the password form's submit) ends it cleanly.
 * Only one ceremony runs at a time on a page: starting one aborts the other
 * (@simplewebauthn/browser's abort service), so the offer is made again only when nothing
 * else is running. A refused passkey is told in the snackbar; a cancelled or unsupported
 * offer is not (nobody asked for it). `supported` turns false once mounted in a browser
 * without WebAuthn, where the button could only fail; the server renders it, so everywhere
 * else it is there from the first paint, not only once the page is interactive.
 * Proven by tests/e2e/passkeys.spec.ts (both ways, with Chromium's virtual authenticator).
 */
export function usePasskeySignIn(onSignedIn: () => void) {
  const auth = useAuthStore()
  const snackbar = useSnackbarStore()
  const request = useJsonFetch()
  let offering = false
  let paused = false
  let buttonRunning = false
  let mounted = false
  const supported = ref(true)

  const loginOptions = () => request<PublicKeyCredentialRequestOptionsJSON>('/api/auth/login/passkey/options', { method: 'POST' })

  async function finish(credential: AuthenticationResponseJSON): Promise<void> {
    await auth.loginWithPasskey(credential)
    onSignedIn()
  }

  const canOffer = () => mounted && !paused && !buttonRunning && !offering && !auth.user

  async function offerInUsernameField(): Promise<void> {
    if (!canOffer() || !(await browserSupportsWebAuthnAutofill())) return
    offering = true
    let credential: AuthenticationResponseJSON
    try {
      const optionsJSON = await loginOptions()
      // The button or the password form may have started while the options were coming.
      if (paused || buttonRunning || !mounted) return
      credential = await startAuthentication({ optionsJSON, useBrowserAutofill: true })
    }
    catch {
      // Aborted (the button, the password form, leaving the page), or no passkeys here.
      return
    }
    finally {
      offering = false
    }
    // A refused passkey is not offered again by itself (the browser could pick it again at
    // once): the button and the password stay.
    await finish(credential).catch((error: unknown) => snackbar.notifyError(error))
  }

  const { busy, run: signIn } = useAction(async () => {
    buttonRunning = true
    let credential: AuthenticationResponseJSON
    try {
      credential = await passkeyCeremony(async () => startAuthentication({ optionsJSON: await loginOptions() }))
    }
    catch (error) {
      // Cancelled, or no passkey here: the browser's offer in the field comes back.
      buttonRunning = false
      void offerInUsernameField()
      throw error
    }
    buttonRunning = false
    await finish(credential)
  })

  /** The password form was submitted: the browser's offer ends. */
  function pause(): void {
    paused = true
    if (offering) WebAuthnAbortService.cancelCeremony()
  }

  /** The password sign-in failed and its form is back: offer passkeys again. */
  function resume(): void {
    paused = false
    void offerInUsernameField()
  }

  onMounted(() => {
    mounted = true
    supported.value = browserSupportsWebAuthn()
    void offerInUsernameField()
  })
  onBeforeUnmount(() => {
    mounted = false
    if (offering) WebAuthnAbortService.cancelCeremony()
  })

  return { busy, signIn, pause, resume, supported }
}
