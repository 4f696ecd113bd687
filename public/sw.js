// Parley's service worker (docs/messages.md, "Web Push"): shows the notification of a
// push (a mention or a direct message, sent only while none of the person's tabs is
// visible) and opens that chat when it is clicked. It caches nothing and handles no
// fetch: the app is always loaded from the server. It never reads its notifications back
// (getNotifications): in Chromium that read drops the record of a notification still
// being shown, whose click then reaches no worker (docs/messages.md).

self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()))

/** The push's payload (server/services/push/deliver.ts PushPayload), or null when it is not one. */
function readPayload(data) {
  try {
    const payload = data ? data.json() : null
    if (!payload || typeof payload.title !== 'string' || typeof payload.body !== 'string') return null
    return payload
  }
  catch {
    return null
  }
}

/** Only the app's own chat pages are ever opened. */
function chatPath(url) {
  return typeof url === 'string' && /^\/chats\/[0-9a-f]{24}$/.test(url) ? url : '/'
}

self.addEventListener('push', (event) => {
  const payload = readPayload(event.data)
  // The words are shown as text: a notification never interprets HTML.
  const title = payload ? payload.title : 'Parley'
  const options = payload
    ? { body: payload.body, tag: String(payload.tag || 'parley'), data: { url: chatPath(payload.url), messageId: payload.messageId }, icon: '/icons/icon-192.png' }
    : { body: 'You have a new message.', tag: 'parley', data: { url: '/' }, icon: '/icons/icon-192.png' }
  event.waitUntil(self.registration.showNotification(title, options))
})

/** Opens the chat: in an open Parley tab if there is one (which routes to it), else in a new one. */
async function openChat(url) {
  const path = chatPath(url)
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  const tab = windows.find(client => new URL(client.url).origin === self.location.origin)
  if (!tab) return self.clients.openWindow(path)
  tab.postMessage({ type: 'open-chat', url: path })
  try {
    await tab.focus()
  }
  catch {
    // Focusing needs the click's user activation; the tab has the chat open either way.
  }
  return tab
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(openChat(event.notification.data && event.notification.data.url))
})
