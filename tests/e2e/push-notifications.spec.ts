import { expect, test, type Worker } from '@playwright/test'
import { chatList, closeAll, createDirectChat, messageLog, openApp, postMessage, signUpPerson } from './chat-helpers'

// Web Push in the browser (docs/messages.md, "Web Push"): Parley's service worker shows
// the pushed notification as text and opens the chat when it is clicked. The push is
// delivered to the service worker by Chromium itself (DevTools protocol,
// ServiceWorker.deliverPushMessage), as a push service would deliver it; the server's
// side, up to the encrypted request, is tests/api/push.test.ts.
//
// What is on screen is read once the push event is over, never polled while it runs:
// Chromium's getNotifications() drops the record of a notification whose
// showNotification() is still in flight (it is written but not yet on the display list),
// and every later read then returns [] although the notification is shown. Polling made
// this test flaky (about one run in 20); the app itself never reads notifications.

test('the service worker shows a pushed message as text, and a click opens its chat', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const direct = await createDirectChat(ben, ana)
  await postMessage(ben, direct.id, 'Lunch at <b>noon</b>? <img src=x onerror=alert(1)>')
  await ana.context.grantPermissions(['notifications'], { origin: baseURL! })

  const cdp = await ana.context.newCDPSession(ana.page)
  const registrations = new Map<string, string>()
  const running = new Set<string>()
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: updated }) => {
    for (const registration of updated) if (!registration.isDeleted) registrations.set(registration.registrationId, registration.scopeURL)
  })
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const version of versions) if (version.status === 'activated') running.add(version.registrationId)
  })
  // What the worker could not do (a blocked icon, an exception) is reported here.
  const workerErrors: string[] = []
  cdp.on('ServiceWorker.workerErrorReported', ({ errorMessage }) => workerErrors.push(errorMessage.errorMessage))
  await cdp.send('ServiceWorker.enable')
  // Chromium reports each delivered push's end (and its outcome) to DevTools' recorder.
  await cdp.send('BackgroundService.startObserving', { service: 'pushMessaging' })
  await cdp.send('BackgroundService.setRecording', { shouldRecord: true, service: 'pushMessaging' })
  const workerStarted = ana.context.waitForEvent('serviceworker')
  await openApp(ana, '/settings')
  const worker: Worker = ana.context.serviceWorkers()[0] ?? await workerStarted
  expect(new URL(worker.url()).pathname).toBe('/sw.js')
  // The app registered its worker for the whole origin, and it is active.
  const activeRegistration = () => [...registrations].find(([id, scope]) => scope === `${baseURL}/` && running.has(id))?.[0]
  await expect.poll(activeRegistration).toBeTruthy()
  const registrationId = activeRegistration()!

  // The settings offer push on this device.
  await expect(ana.page.getByRole('checkbox', { name: 'Push notifications on this device' })).toBeVisible()

  // What the server pushes for Ben's message (server/services/push/deliver.ts pushPayload).
  const payload = {
    title: 'Ben', body: 'Lunch at <b>noon</b>? <img src=x onerror=alert(1)>', url: `/chats/${direct.id}`,
    tag: `parley:${direct.id}`, chatId: direct.id, messageId: 'f'.repeat(24),
  }
  /** Delivers a push as the push service would, and returns once the worker has handled it. */
  const push = async (data: object) => {
    const completed = new Promise<string | undefined>((resolve) => {
      const ended = ({ backgroundServiceEvent: event }: { backgroundServiceEvent: { eventName: string, eventMetadata: Array<{ key: string, value: string }> } }) => {
        if (event.eventName !== 'Push event completed') return
        cdp.off('BackgroundService.backgroundServiceEventReceived', ended)
        resolve(event.eventMetadata.find(entry => entry.key === 'Status')?.value)
      }
      cdp.on('BackgroundService.backgroundServiceEventReceived', ended)
    })
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: baseURL!, registrationId, data: JSON.stringify(data) })
    // The worker's waitUntil (its showNotification) resolved: the notification is on screen.
    expect(await completed).toBe('Success')
  }
  const shown = () => worker.evaluate(async (): Promise<Array<{ title: string, body: string, tag: string, url: string }>> => {
    const sw = self as unknown as ServiceWorkerGlobalScope
    return (await sw.registration.getNotifications()).map(n => ({ title: n.title, body: n.body, tag: n.tag, url: (n.data as { url: string }).url }))
  })
  await push(payload)
  expect(await shown()).toEqual([{ title: 'Ben', body: payload.body, tag: payload.tag, url: payload.url }])

  // A second message in the chat replaces the first notification instead of piling up.
  await push({ ...payload, body: 'Still hungry?' })
  expect(await shown()).toEqual([{ title: 'Ben', body: 'Still hungry?', tag: payload.tag, url: payload.url }])
  // Their icon loaded: the worker's own CSP admits the app's images.
  expect(workerErrors).toEqual([])

  // A click (the worker's notificationclick) opens the chat in the open tab.
  await worker.evaluate(async () => {
    const sw = self as unknown as ServiceWorkerGlobalScope
    const [notification] = await sw.registration.getNotifications()
    sw.dispatchEvent(new NotificationEvent('notificationclick', { notification: notification! }))
  })
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${direct.id}$`))
  await expect(messageLog(ana.page).getByText('Lunch at <b>noon</b>?', { exact: false })).toBeVisible()
  await expect.poll(shown).toEqual([])
  await expect(chatList(ana.page)).toBeVisible()
  expect(ana.dialogs).toEqual([])
  await closeAll(ana, ben)
})

test('"Push notifications on this device" subscribes this browser for the session, survives a reload, and turns off', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  await ana.context.grantPermissions(['notifications'], { origin: baseURL! })
  // The machine has no push service to register with: the browser's PushManager answers
  // with a subscription of its own making (kept across reloads), as Chrome would with FCM's.
  await ana.page.addInitScript(() => {
    const stored = () => JSON.parse(localStorage.getItem('test:push') ?? 'null') as { key: number[] } | null
    const bytes = (length: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(length)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    const subscription = (key: number[]) => ({
      endpoint: 'https://push.example.test/send/device-1',
      options: { applicationServerKey: new Uint8Array(key).buffer, userVisibleOnly: true },
      toJSON: () => ({ endpoint: 'https://push.example.test/send/device-1', expirationTime: null, keys: { p256dh: bytes(65), auth: bytes(16) } }),
      unsubscribe: async () => {
        localStorage.removeItem('test:push')
        return true
      },
    })
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      const key = [...new Uint8Array(options!.applicationServerKey as ArrayBuffer)]
      localStorage.setItem('test:push', JSON.stringify({ key }))
      return subscription(key) as unknown as PushSubscription
    }
    PushManager.prototype.getSubscription = async function () {
      const current = stored()
      return current ? subscription(current.key) as unknown as PushSubscription : null
    }
  })
  await openApp(ana, '/settings')
  const toggle = ana.page.getByRole('checkbox', { name: 'Push notifications on this device' })
  await expect(toggle).not.toBeChecked()

  const subscribed = ana.page.waitForResponse(response => response.url().endsWith('/api/push/subscription') && response.request().method() === 'PUT')
  await toggle.click()
  expect((await subscribed).status()).toBe(204)
  await expect(toggle).toBeChecked()
  await expect(ana.page.getByText('On: mentions and direct messages reach this device')).toBeVisible()

  // A reload registers the same subscription for the session again.
  const again = ana.page.waitForResponse(response => response.url().endsWith('/api/push/subscription') && response.request().method() === 'PUT')
  await ana.page.reload()
  expect((await again).status()).toBe(204)
  await expect(toggle).toBeChecked()

  const removed = ana.page.waitForResponse(response => response.url().endsWith('/api/push/subscription') && response.request().method() === 'DELETE')
  await toggle.click()
  expect((await removed).status()).toBe(204)
  await expect(toggle).not.toBeChecked()
  expect(await ana.page.evaluate(() => localStorage.getItem('test:push'))).toBeNull()
  await closeAll(ana)
})

test('a browser whose push service refuses the subscription says push could not be turned on, and why; nothing about passkeys', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  await ana.context.grantPermissions(['notifications'], { origin: baseURL! })
  // Headless Chromium has no push service: its PushManager.subscribe rejects with an
  // AbortError, "Registration failed - permission denied", as a browser whose push is
  // blocked would.
  await openApp(ana, '/settings')
  const toggle = ana.page.getByRole('checkbox', { name: 'Push notifications on this device' })
  await expect(toggle).not.toBeChecked()
  await toggle.click()
  const told = ana.page.locator('.v-snackbar')
  await expect(told).toContainText('Push notifications could not be turned on: this browser refused permission to receive them.')
  await expect(told).not.toContainText(/passkey/i)
  // The switch says what is true: push is off.
  await expect(toggle).not.toBeChecked()
  await closeAll(ana)
})
