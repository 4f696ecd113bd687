import { expect, test, type Page } from '@playwright/test'
import { uniqueName } from '../harness/api-client'
import { chatList, closeAll, composer, createDirectChat, messageLog, signUpPerson } from './chat-helpers'

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

/**
 * Holds the app's scripts until `release` is called: everything done before that is done
 * on the server-rendered page, as on a device still downloading or parsing them.
 */
async function holdAppScripts(page: Page) {
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  await page.route(/\/_nuxt\/.+\.js$/, async (route) => {
    await released
    await route.continue()
  })
  return release
}

test('before the page is interactive: the caret, the focus and a pressed button are kept, with no stale error', async ({ page, request }) => {
  const username = uniqueName('caret')
  expect((await request.post('/api/auth/register', { data: { username, password: PASSWORD } })).status()).toBe(201)
  const release = await holdAppScripts(page)
  await page.goto('/login', { waitUntil: 'commit' })

  const login = page.getByLabel('Username or email')
  const password = page.getByLabel('Password', { exact: true })
  await password.fill(PASSWORD)
  await page.getByRole('button', { name: 'Show password' }).click()
  await login.pressSequentially(username.slice(3))
  await login.press('Home')
  release()

  // The early press shows the password once the page can act on it; the caret stayed at
  // the start of the username and the field is focused, for Vuetify too.
  await expect(password).toHaveAttribute('type', 'text')
  await page.keyboard.type(username.slice(0, 3))
  await expect(login).toHaveValue(username)
  await expect(login).toBeFocused()
  await expect(page.locator('.v-field--focused')).toHaveCount(1)
  await expect(page.getByText('Enter your username or email')).toBeHidden()
  await password.press('Enter')
  await expect(page).toHaveURL(/\/$/)
  await expect(chatList(page)).toBeVisible()
})

test('Enter before the page is interactive submits once it is, and never as a native submit', async ({ page, request }) => {
  const username = uniqueName('enter')
  const release = await holdAppScripts(page)
  const urls = navigations(page)
  await page.goto('/register', { waitUntil: 'commit' })

  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByLabel('Password', { exact: true }).press('Enter')
  await page.getByRole('button', { name: 'Create account' }).click()
  // Held: the page did not reload with the form in its URL.
  await expect(page).toHaveURL(/\/register$/)
  release()

  await expectSignedInHome(page, urls)
  expect((await request.post('/api/auth/login', { data: { login: username, password: PASSWORD } })).status()).toBe(200)
})

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
    const ana = await signUpPerson(browser, baseURL, 'Ana')
    const ben = await signUpPerson(browser, baseURL, 'Ben')
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
