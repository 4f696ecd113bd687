/**
 * Signs this tab out once `endSession` (a logout by default, or deleting the account) has
 * ended the session on the server, then goes to /login. The socket closes first: otherwise
 * the server's `session.revoked` for this very sign-out would send the tab to /login a
 * second time, over the first keystrokes there. If the server refuses, the socket comes back.
 */
export function useSignOut() {
  const auth = useAuthStore()
  const realtime = useRealtime()
  return async function signOut(endSession: () => Promise<unknown> = () => auth.logout()): Promise<void> {
    realtime.stop()
    try {
      await endSession()
    }
    catch (error) {
      realtime.start()
      throw error
    }
    auth.clear()
    await navigateTo('/login')
  }
}
