import { expect, test, type Page, type Request } from '@playwright/test'
import { signUp } from '../harness/api-client'
import { openPage } from '../harness/open-page'
import { composer, createDirectChat, createGroupChat, closeAll, openApp, signUpPerson, type Person } from './chat-helpers'

// Phones and PCs are often minutes, sometimes hours, off. The times the server sends (a
// typing entry's end, a mute's end, the token's expiry, a session's last use) are compared
// with the server's clock as the app learns it (utils/server-clock.ts), never with the
// viewer's own (docs/ui.md, "The viewer's clock"). Only the viewer's clock is set wrong here.

const HOUR = 60 * 60_000

/** The person's browser clock, `hours` off from the server's (and everyone else's). */
async function skewClock(person: Person | { page: Page }, hours: number) {
  await person.page.clock.install({ time: Date.now() + hours * HOUR })
}

for (const hours of [-3, 3]) {
  test(`a viewer whose clock is ${Math.abs(hours)} hours ${hours < 0 ? 'slow' : 'fast'} sees someone typing, and sees it end`, async ({ browser, baseURL }) => {
    const ana = await signUpPerson(browser, baseURL, 'Ana')
    const ben = await signUpPerson(browser, baseURL, 'Ben')
    const chat = await createDirectChat(ana, ben)
    await skewClock(ben, hours)
    await openApp(ana, `/chats/${chat.id}`)
    await openApp(ben, `/chats/${chat.id}`)

    await composer(ana.page).pressSequentially('Are you')
    const typingLine = ben.page.getByTestId('typing-line')
    await expect(typingLine).toHaveText('Ana is typing...')
    // Ana stops. The server said for how long it holds: Ben's page lets that time pass.
    await composer(ana.page).fill('')
    await ben.page.clock.runFor(6_000)
    await expect(typingLine).toHaveText('')
    await closeAll(ana, ben)
  })
}

test('muting for an hour with a clock 3 hours fast mutes the chat, as the header and the menu say', async ({ browser, baseURL }) => {
  const cat = await signUpPerson(browser, baseURL, 'Cat')
  const dan = await signUpPerson(browser, baseURL, 'Dan')
  const eve = await signUpPerson(browser, baseURL, 'Eve')
  const team = await createGroupChat(cat, 'Team', [dan, eve])
  await skewClock(cat, 3)
  await openApp(cat, `/chats/${team.id}`)

  await cat.page.getByRole('button', { name: 'Chat options' }).click()
  await cat.page.getByRole('menuitem', { name: 'Mute for 1 hour' }).click()
  await expect(cat.page.getByText(/3 members · Muted until \d/)).toBeVisible()
  await cat.page.getByRole('button', { name: 'Chat options' }).click()
  await expect(cat.page.getByRole('menuitem', { name: 'Notify me of every message' })).toBeVisible()
  await expect(cat.page.getByRole('menuitem', { name: 'Mute for 1 hour' })).toHaveCount(0)
  await closeAll(cat, dan, eve)
})

test('a clock 2 hours fast renews the login token as the token\'s lifetime says, not every few seconds', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  await skewClock(ana, 2)
  let asked = 0
  let answered = 0
  const isRefresh = (url: string) => new URL(url).pathname === '/api/auth/refresh'
  ana.page.on('request', (request) => {
    if (isRefresh(request.url())) asked++
  })
  const onAnswer = (request: Request) => {
    if (isRefresh(request.url())) answered++
  }
  ana.page.on('requestfinished', onAnswer)
  ana.page.on('requestfailed', onAnswer)
  await openApp(ana)
  await expect.poll(() => answered).toBe(asked)
  const atStart = asked

  // Half an hour of the page's clock, 30 s at a time; each renewal it starts is answered
  // before the clock moves on. A token lives 15 minutes: two renewals, three at most.
  for (let step = 0; step < 60; step++) {
    await ana.page.clock.runFor(30_000)
    await expect.poll(() => answered).toBe(asked)
  }
  expect(asked - atStart).toBeGreaterThanOrEqual(1)
  expect(asked - atStart).toBeLessThanOrEqual(3)
  await closeAll(ana)
})

test('the sessions list says when each was last used in English and truly, in a German browser whose clock is 3 hours fast', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, locale: 'de-DE' })
  await signUp(context.request, 'sessions')
  const page = await context.newPage()
  await skewClock({ page }, 3)
  await openPage(page, '/settings')
  const current = page.getByRole('list', { name: 'Signed-in sessions' }).getByTestId('session-item')
  await expect(current).toContainText('last used just now')

  // The page stays open: it goes on saying how long ago, without a reload. (A minute of the
  // page's clock only: the server's does not move, and a longer silence would reconnect
  // the socket, whose `ready` tells the app the server's time again.)
  await page.clock.runFor(65_000)
  await expect(current).toContainText('last used 1 minute ago')
  await context.close()
})
