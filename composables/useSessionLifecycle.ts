/**
 * The signed-in person's session drives the socket and the stores' lifetime: when the
 * person changes (sign-in, sign-out, another account) the socket stops and every store
 * forgets the previous one; for a signed-in person the outbox is restored and wired to
 * the stores, the chat list loads, the socket starts and the outbox sends what waits.
 * Called once by the default layout, after hydration (the first render matches the
 * server's).
 */
export function useSessionLifecycle() {
  const auth = useAuthStore()
  const chats = useChatsStore()
  const messages = useMessagesStore()
  const outbox = useOutboxStore()
  const presence = usePresenceStore()
  const snackbar = useSnackbarStore()
  const realtime = useRealtime()

  function end() {
    realtime.stop()
    chats.reset()
    messages.reset()
    presence.reset()
    outbox.reset()
  }

  function start(userId: string) {
    outbox.restore(userId)
    outbox.setDeliveryHandler((message) => {
      messages.apply(message)
      chats.applyMessage(message)
    })
    chats.load().catch(error => snackbar.notifyError(error))
    realtime.start()
    void outbox.flush()
  }

  onMounted(() => {
    // An account that must set up two-factor first has no chats and no socket yet.
    watch(() => auth.user && !auth.user.twoFactorSetupRequired ? auth.user.id : null, (userId, previous) => {
      if (previous) end()
      if (userId) start(userId)
    }, { immediate: true })
  })
}
