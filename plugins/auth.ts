// Loads the signed-in person before the first render: on the server from the forwarded
// cookies; on the client, when the server rendered signed out, by trying the refresh cookie.
export default defineNuxtPlugin({
  name: 'auth',
  async setup() {
    const auth = useAuthStore()
    if (import.meta.server) {
      if (useRequestHeaders(['cookie']).cookie?.includes('chat_access=')) await auth.fetchMe()
      return
    }
    if (!auth.user) await auth.restore()
    else await auth.refresh()
  },
})
