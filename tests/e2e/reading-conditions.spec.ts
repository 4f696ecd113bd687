import { expect, test, type Browser, type BrowserContextOptions, type Locator } from '@playwright/test'
import { signUp, uniqueName } from '../harness/api-client'
import { closeAll, composer, createGroupChat, messageLog, messageRows, openApp, postMessage, type Person } from './chat-helpers'

/**
 * How people read the app under other conditions than a desktop at 100 %: zoomed to 400 %
 * (a 1280 px screen is 320 CSS px wide, with a mouse), right-to-left languages, long names,
 * Windows' high contrast (forced colours). Each test measures what is on screen.
 */

/** A person on a device of their own: a mouse, not a touch screen, unless the options say so. */
async function personOn(browser: Browser, baseURL: string | undefined, displayName: string, options: BrowserContextOptions = {}): Promise<Person> {
  const context = await browser.newContext({ baseURL, ...options })
  const { id, username } = await signUp(context.request, { username: uniqueName(displayName.toLowerCase().slice(0, 8) || 'p'), displayName })
  const page = await context.newPage()
  const dialogs: string[] = []
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  return { id, username, displayName, context, page, dialogs }
}

const box = async (locator: Locator) => {
  const found = await locator.boundingBox()
  expect(found).not.toBeNull()
  return found!
}

test('at 400 % zoom, typing keeps the composer to one or two lines and the messages readable above it', async ({ browser, baseURL }) => {
  const ana = await personOn(browser, baseURL, 'Ana', { viewport: { width: 320, height: 256 }, deviceScaleFactor: 2 })
  const ben = await personOn(browser, baseURL, 'Ben')
  const chat = await createGroupChat(ana, 'Zoomed', [ben])
  for (const line of ['first', 'second', 'third', 'fourth']) await postMessage(ben, chat.id, `the ${line} message of the morning`)
  await openApp(ana, `/chats/${chat.id}`)
  await composer(ana.page).click()
  await composer(ana.page).pressSequentially('hello team')
  // One line of field (about 56 px with its padding), a second at most for a short hint.
  expect((await box(ana.page.locator('.composer'))).height).toBeLessThanOrEqual(90)
  // At least three lines of conversation stay on screen (the old hint left 16 px).
  expect((await box(messageLog(ana.page))).height).toBeGreaterThanOrEqual(90)
  await expect(messageLog(ana.page).getByText('the first message of the morning')).toBeInViewport()

  // A phone-sized window, taller: the same.
  await ana.page.setViewportSize({ width: 320, height: 640 })
  await composer(ana.page).pressSequentially('!')
  expect((await box(ana.page.locator('.composer'))).height).toBeLessThanOrEqual(90)

  // A wide screen keeps the whole formatting hint, on one line.
  await ana.page.setViewportSize({ width: 1280, height: 800 })
  const hint = ana.page.getByText('Shift+Enter: new line', { exact: false })
  await expect(hint).toBeVisible()
  await expect(ana.page.getByText('**bold**  _italic_  ~~strike~~', { exact: false })).toBeVisible()
  expect((await box(hint)).height).toBeLessThanOrEqual(24)
  await closeAll(ana, ben)
})
