import { expect, test, type Page } from '@playwright/test'
import { chatList, closeAll, composer, createDirectChat, messageLog, signUp, uniqueName } from './chat-helpers'

// What a person types (or a password manager fills) before the page is interactive is
// kept: it is in the field, it is the form's state, and an early Enter submits it once the
// page can (docs/ui.md, "Early input survives hydration"). The page is opened on a device
// six times slower than this one and used as soon as the field shows, with no wait for
// anything a person cannot see; every repetition must pass, so no retry hides a loss.
test.describe.configure({ retries: 0 })

const REPETITIONS = 10
const PASSWORD = 'correct horse battery staple'

/** Chromium's DevTools protocol slows the page's CPU down (a low-end phone). */
async function onSlowDevice(page: Page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 })
}

/** Every URL the tab navigated to: a native submit would show up here, with its query. */
function navigations(page: Page): string[] {
  const urls: string[] = []
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url())
  })
  return urls
}

async function expectSignedInHome(page: Page, urls: string[]) {
  await expect(page).toHaveURL(/\/$/, { timeout: 30_000 })
  await expect(chatList(page)).toBeVisible({ timeout: 30_000 })
  // No native form submit happened: nothing (least of all the password) went into a URL.
  expect(urls.filter(url => url.includes('?'))).toEqual([])
}

for (let run = 1; run <= REPETITIONS; run++) {
  test(`/login typed at once on a slow device signs in (${run}/${REPETITIONS})`, async ({ page, request }) => {
    const username = uniqueName('early')
    expect((await request.post('/api/auth/register', { data: { username, password: PASSWORD } })).status()).toBe(201)
    await onSlowDevice(page)
    const urls = navigations(page)

    await page.goto('/login', { waitUntil: 'commit' })
    await page.getByLabel('Username or email').pressSequentially(username)
    await page.getByLabel('Password', { exact: true }).pressSequentially(PASSWORD)
    await page.getByLabel('Password', { exact: true }).press('Enter')

    await expectSignedInHome(page, urls)
  })

  test(`/login filled at once by a password manager signs in (${run}/${REPETITIONS})`, async ({ page, request }) => {
    const username = uniqueName('filled')
    expect((await request.post('/api/auth/register', { data: { username, password: PASSWORD } })).status()).toBe(201)
    await onSlowDevice(page)
    const urls = navigations(page)

    await page.goto('/login', { waitUntil: 'commit' })
    await page.getByLabel('Username or email').fill(username)
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()

    await expectSignedInHome(page, urls)
  })

  test(`/register typed at once on a slow device creates the account (${run}/${REPETITIONS})`, async ({ page, request }) => {
    const username = uniqueName('signup')
    await onSlowDevice(page)
    const urls = navigations(page)

    await page.goto('/register', { waitUntil: 'commit' })
    await page.getByLabel('Username').pressSequentially(username)
    await page.getByLabel('Password', { exact: true }).pressSequentially(PASSWORD)
    await page.getByLabel('Password', { exact: true }).press('Enter')

    await expectSignedInHome(page, urls)
    expect((await request.post('/api/auth/login', { data: { login: username, password: PASSWORD } })).status()).toBe(200)
  })

  test(`the composer typed at once on a slow device sends the message (${run}/${REPETITIONS})`, async ({ browser, baseURL }) => {
    const ana = await signUp(browser, baseURL, 'Ana')
    const ben = await signUp(browser, baseURL, 'Ben')
    const chat = await createDirectChat(ana, ben)
    await onSlowDevice(ana.page)
    const text = `typed at once ${run} ${uniqueName('m')}`

    await ana.page.goto(`/chats/${chat.id}`, { waitUntil: 'commit' })
    await composer(ana.page).pressSequentially(text)
    await composer(ana.page).press('Enter')

    // Sent (the server gave it its seq) and shown, and the composer is empty again.
    await expect(messageLog(ana.page).locator('[data-seq]').filter({ hasText: text })).toBeVisible({ timeout: 30_000 })
    await expect(composer(ana.page)).toHaveValue('')
    const page = await ben.context.request.get(`/api/chats/${chat.id}/messages`)
    expect(JSON.stringify(await page.json())).toContain(text)
    await closeAll(ana, ben)
  })
}
