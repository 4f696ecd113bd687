// Loads the signed-in person before the first render: on the server from the forwarded
// cookies; on the client, when the server rendered signed out, by trying the refresh cookie.
export default defineNuxtPlugin({
  name: 'auth',
  async setup() {
    const auth = useAuthStore()
    if (import.meta.server) {
      auth.mayHaveSession = /(?:^|;\s*)chat_access=/.test(useRequestHeaders(['cookie']).cookie ?? '')
      if (auth.mayHaveSession) await auth.fetchMe()
      return
    }
    // A signed-in render still needs a token of its own (and its renewal timer).
    if (auth.user) await auth.refresh()
    else await auth.restore()
  },
})
