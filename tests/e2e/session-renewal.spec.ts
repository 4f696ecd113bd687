import { expect, test, type Page } from '@playwright/test'
import { closeAll, composer, createDirectChat, messageLog, messageRows, openApp, send, signUpPerson } from './chat-helpers'

// The access token lives 15 minutes and the app renews it a minute before it runs out
// (stores/auth.ts). A phone meets that moment anywhere, in a tunnel too: only the server's
// refusal ends the session (docs/ui.md, "Sessions"). The page's clock is moved past the
// renewal; the server's tokens are untouched.

/** Counts the renewals the page asks for, answered or not. */
function countRenewals(page: Page): () => number {
  let asked = 0
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/auth/refresh') asked++
  })
  return () => asked
}

test('a renewal due while offline keeps the chat on screen, and the message written offline is delivered once back online, without a reload', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await ana.page.clock.install()
  const renewals = countRenewals(ana.page)
  await openApp(ana, `/chats/${chat.id}`)
  await openApp(ben, `/chats/${chat.id}`)
  await expect(composer(ana.page)).toBeVisible()

  await ana.context.setOffline(true)
  await send(ana.page, 'Written in the tunnel')
  const pending = messageLog(ana.page).locator('[data-client-id]').filter({ hasText: 'Written in the tunnel' })
  await expect(pending).toContainText('Sending')
  const before = renewals()
  // Past the renewal (14 minutes after sign-in) and a few of its retries.
  await ana.page.clock.fastForward('14:30')
  await ana.page.clock.runFor(60_000)
  expect(renewals()).toBeGreaterThan(before)

  // Nothing the person sees changed: the chat, the queued message, the banner.
  await expect(pending).toContainText('Sending')
  await expect(composer(ana.page)).toBeVisible()
  await expect(ana.page.getByText('Reconnecting...')).toBeVisible()

  await ana.context.setOffline(false)
  await expect(messageRows(ben.page, 'Written in the tunnel')).toHaveCount(1)
  await expect(messageLog(ana.page).locator('[data-seq]').filter({ hasText: 'Written in the tunnel' })).toHaveCount(1)
  await expect(ana.page.getByText('Reconnecting...')).toHaveCount(0)
  expect(new URL(ana.page.url()).pathname).toBe(`/chats/${chat.id}`)
  const history = await (await ben.context.request.get(`/api/chats/${chat.id}/messages`)).json()
  expect(history.items.filter((m: { content: string }) => m.content === 'Written in the tunnel')).toHaveLength(1)
  await closeAll(ana, ben)
})

test('a renewal the server refuses signs out and goes to /login, back to the chat after signing in', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await ana.page.clock.install()
  await openApp(ana, `/chats/${chat.id}`)
  await expect(composer(ana.page)).toBeVisible()

  await ana.page.route('**/api/auth/refresh', route => route.fulfill({
    status: 401,
    json: { statusCode: 401, statusMessage: 'Unauthorized', message: 'Session expired', data: { code: 'unauthorized' } },
  }))
  await ana.page.clock.fastForward('14:30')
  await expect(ana.page).toHaveURL(url => url.pathname === '/login' && url.searchParams.get('redirect') === `/chats/${chat.id}`)
  await expect(ana.page.getByLabel('Username or email')).toBeVisible()
  await closeAll(ana, ben)
})
