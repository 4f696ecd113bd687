// Registers Parley's service worker (public/sw.js: Web Push notifications, see
// docs/messages.md) and follows its "open this chat" when a notification is clicked.
export default defineNuxtPlugin(() => {
  if (!('serviceWorker' in navigator)) return
  const router = useRouter()
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: unknown, url?: unknown } | null
    if (data?.type === 'open-chat' && typeof data.url === 'string' && data.url.startsWith('/')) void router.push(data.url)
  })
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    // No service worker (a private window, say): only push is missing.
  })
  // Each sign-in is a new session: this browser's subscription is registered for it.
  const auth = useAuthStore()
  const push = usePushNotifications()
  watch(() => auth.user?.id, (userId) => {
    if (userId) push.resume(userId).catch(() => {})
  }, { immediate: true })
})
