import type { PushSubscriptionInput } from '#shared/schemas/push'

// Web Push on this device (docs/messages.md, "Web Push"): the browser's subscription,
// registered with the server for this session (PUT /api/push/subscription).

const subscribed = ref(false)
/** Whose subscription this browser holds: a subscription is a person's choice, not the browser's. */
const OWNER_KEY = 'parley:push-user'
const permission = ref<NotificationPermission | 'unsupported'>('default')

function pushSupported(): boolean {
  return import.meta.client && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='))
  return Uint8Array.from(binary, char => char.charCodeAt(0))
}

function sameKey(subscription: PushSubscription, key: Uint8Array): boolean {
  const current = subscription.options.applicationServerKey
  if (!current) return false
  const bytes = new Uint8Array(current)
  return bytes.length === key.length && bytes.every((byte, index) => byte === key[index])
}

/**
 * Why the browser did not subscribe, in push's words (its DOMExceptions' names are a
 * passkey's too, but mean something else here): a browser or push service that denies
 * permission (headless Chromium: AbortError "Registration failed - permission denied")
 * says so (tests/e2e/push-notifications.spec.ts, "...refuses the subscription...").
 */
function subscribeFailureText(error: unknown): string {
  const { name, message } = error instanceof Error ? error : { name: '', message: '' }
  return name === 'NotAllowedError' || /permission denied/i.test(message)
    ? 'Push notifications could not be turned on: this browser refused permission to receive them.'
    : 'Push notifications could not be turned on: this browser could not subscribe to its push service.'
}

export function usePushNotifications() {
  const api = useApi()
  const supported = pushSupported()
  if (supported) permission.value = Notification.permission
  else permission.value = 'unsupported'

  async function currentSubscription(): Promise<PushSubscription | null> {
    const registration = await navigator.serviceWorker.ready
    return registration.pushManager.getSubscription()
  }

  async function register(subscription: PushSubscription): Promise<void> {
    await api('/api/push/subscription', { method: 'PUT', body: subscription.toJSON() as PushSubscriptionInput })
    subscribed.value = true
  }

  /** Asks for permission, subscribes this browser and tells the server. */
  async function enable(): Promise<void> {
    if (!supported) return
    permission.value = await Notification.requestPermission()
    if (permission.value !== 'granted') return
    const { publicKey } = await api<{ publicKey: string }>('/api/push/vapid-public-key')
    const key = base64UrlBytes(publicKey)
    const registration = await navigator.serviceWorker.ready
    let subscription = await registration.pushManager.getSubscription()
    // Subscribed under other keys (the server's changed): start again.
    if (subscription && !sameKey(subscription, key)) {
      await subscription.unsubscribe()
      subscription = null
    }
    subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
      .catch((error: unknown) => {
        throw browserFailure(subscribeFailureText(error))
      })
    await register(subscription)
    localStorage.setItem(OWNER_KEY, useAuthStore().user?.id ?? '')
  }

  async function disable(): Promise<void> {
    if (!supported) return
    await api('/api/push/subscription', { method: 'DELETE' })
    subscribed.value = false
    localStorage.removeItem(OWNER_KEY)
    await (await currentSubscription())?.unsubscribe()
  }

  /**
   * After a sign-in (a new session) the browser's subscription belongs to the old one,
   * which ended with it: the server is told again, for this session. Someone else
   * signing in on this browser does not inherit it: it is dropped, and they opt in
   * themselves.
   */
  async function resume(userId: string): Promise<void> {
    subscribed.value = false
    if (!supported || Notification.permission !== 'granted') return
    const subscription = await currentSubscription()
    if (!subscription) return
    if (localStorage.getItem(OWNER_KEY) !== userId) {
      await subscription.unsubscribe()
      return
    }
    await register(subscription)
  }

  return { supported, subscribed: readonly(subscribed), permission: readonly(permission), enable, disable, resume }
}
