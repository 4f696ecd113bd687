/**
 * "Log out" from the account menu or the settings page. A guest is asked first: a guest
 * cannot sign in again, so logging out leaves the account and its chats out of reach for
 * good (the dialog is in layouts/default.vue, shared through `confirming`).
 */
export function useSignOutRequest() {
  const auth = useAuthStore()
  const signOut = useSignOut()
  const confirming = useState('sign-out-confirming', () => false)
  const { run: signOutNow } = useAction(() => signOut())

  function request() {
    if (auth.user?.role === 'guest') confirming.value = true
    else void signOutNow()
  }

  return { confirming, request, signOut }
}
