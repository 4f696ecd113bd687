import { expect, test, type Page } from '@playwright/test'
import { signUp, uniqueName } from '../harness/api-client'
import { linkIn, waitForMail } from '../harness/mailbox'
import { openPage as open } from '../harness/open-page'

// The shared test server mails through a real SMTP sink on loopback; its mails are in
// the file PARLEY_TEST_MAILBOX (see scripts/lib/stack.mjs).
const mailbox = () => process.env.PARLEY_TEST_MAILBOX ?? ''

async function logIn(page: Page, login: string, password: string) {
  await open(page, '/login')
  await page.getByLabel('Username or email').fill(login)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page).not.toHaveURL(/\/login/)
}

/** A person with the password "the old password" asks for a reset on /forgot-password; the mailed link. */
async function requestResetLink(page: Page): Promise<{ username: string, link: URL }> {
  const username = uniqueName('reset')
  const email = `${username}@example.com`
  await signUp(page.request, { username, email, password: 'the old password' })
  await page.context().clearCookies()
  await open(page, '/forgot-password')
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Send reset link' }).click()
  await expect(page.getByText('a link to choose a new password is on its way')).toBeVisible()
  return { username, link: linkIn(await waitForMail(mailbox(), email, /reset/i), '/reset-password') }
}

test('register, confirm the email through the mailed link, log out and log in again', async ({ page }) => {
  const username = uniqueName('e2e')
  const email = `${username}@example.com`
  const password = 'a long enough password'

  await open(page, '/register')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).toHaveURL(/\/$/)

  const mail = await waitForMail(mailbox(), email, /confirm/i)
  const link = linkIn(mail, '/verify-email')
  await open(page, link.pathname + link.search)
  await expect(page.getByText('Your email address is confirmed.')).toBeVisible()
  // The same link again (the mail opened twice) is no error for a confirmed address.
  await open(page, link.pathname + link.search)
  await expect(page.getByText('Your email address is confirmed.')).toBeVisible()
  await expect(page.getByRole('alert')).toHaveCount(0)

  await open(page, '/settings')
  await expect(page.getByText('Confirmed', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Log out' }).click()
  await expect(page).toHaveURL(/\/login/)
  // Signed out: app pages send the visitor back to /login.
  await open(page, '/settings')
  await expect(page).toHaveURL(/\/login/)

  await logIn(page, email, password)
  await open(page, '/settings')
  await expect(page.getByLabel('Display name')).toHaveValue(username)
})

test('forgot password: the mailed link sets a new password that logs in', async ({ page }) => {
  const { username, link } = await requestResetLink(page)
  await open(page, link.pathname + link.search)
  // A typo in the first field is said at the repeat, and fixing the first field clears it.
  await page.getByLabel('New password', { exact: true }).fill('the new passwrd')
  await page.getByLabel('Repeat new password').fill('the new password')
  await expect(page.getByText('The passwords differ')).toBeVisible()
  await page.getByLabel('New password', { exact: true }).fill('the new password')
  await expect(page.getByText('The passwords differ')).toHaveCount(0)
  await page.getByRole('button', { name: 'Set new password' }).click()
  await expect(page).toHaveURL(/\/login/)

  await page.getByLabel('Username or email').fill(username)
  await page.getByLabel('Password', { exact: true }).fill('the old password')
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByText('Wrong username, email or password.')).toBeVisible()
  await logIn(page, username, 'the new password')
})

// A used (or expired) link takes no password: the page says so and offers a new link at once.
test('used reset link: the page says the link is spent and leads to asking for a new one', async ({ page }) => {
  const { link } = await requestResetLink(page)

  async function setPassword(password: string) {
    await open(page, link.pathname + link.search)
    await page.getByLabel('New password', { exact: true }).fill(password)
    await page.getByLabel('Repeat new password').fill(password)
    await page.getByRole('button', { name: 'Set new password' }).click()
  }
  await setPassword('the new password')
  await expect(page).toHaveURL(/\/login/)
  // The mail opened again later: the link is used.
  await setPassword('another new password')
  await expect(page.getByText('This link was used already or has expired')).toBeVisible()
  const newLink = page.getByRole('link', { name: 'Get a new link' })
  await expect(newLink).toBeFocused()
  await newLink.click()
  await expect(page).toHaveURL(/\/forgot-password$/)
  await expect(page.getByLabel('Email')).toBeVisible()
})

test('revoking another session from /settings sends that browser to /login saying why; signing in again goes back, never to another site', async ({ browser }) => {
  const username = uniqueName('rev')
  const password = 'a long enough password'
  const first = await browser.newContext()
  const second = await browser.newContext()
  try {
    const pageA = await first.newPage()
    const pageB = await second.newPage()
    await signUp(pageA.request, { username, password })
    await logIn(pageB, username, password)
    await open(pageB, '/settings')
    await expect(pageB.getByLabel('Display name')).toBeVisible()

    await open(pageA, '/settings')
    const items = pageA.getByTestId('session-item')
    await expect(items).toHaveCount(2)
    // Each session names its browser, OS, address and sign-in method (B logged in with a password).
    await expect(items.filter({ hasNotText: 'This device' })).toContainText(/Chrome \d+ on \w+.*(127\.0\.0\.1|::1) · password · signed in .* · last used/)
    await pageA.getByRole('button', { name: /^Sign out .*signed in/ }).click()
    await expect(items).toHaveCount(1)

    // B's live socket hears `session.revoked` and the app signs out at once, landing on
    // /login and saying why (without a socket, B's next request would meet the 401 and do
    // the same); signing in again comes back to the page B was on.
    await expect(pageB).toHaveURL(/\/login/)
    await expect(pageB.getByText('You were signed out: this session was ended elsewhere.')).toBeVisible()
    await open(pageB, '/settings')
    await expect(pageB).toHaveURL(/\/login/)
    await pageB.getByLabel('Username or email').fill(username)
    await pageB.getByLabel('Password', { exact: true }).fill(password)
    await pageB.getByRole('button', { name: 'Log in' }).click()
    await expect(pageB).toHaveURL(/\/settings$/)
    await expect(pageB.getByLabel('Display name')).toBeVisible()

    // A signed-in person sent to /login with another site as the way back stays here.
    for (const elsewhere of ['//example.com/x', '/\\example.com/x', 'https://example.com/x']) {
      await open(pageB, `/login?redirect=${encodeURIComponent(elsewhere)}`)
      await expect(pageB).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      await expect(pageB.getByRole('navigation', { name: 'Chats' })).toBeVisible()
    }
  }
  finally {
    await first.close()
    await second.close()
  }
})

test('continue as guest (a name typed with spaces around it, as phone keyboards add, is taken without them)', async ({ page }) => {
  const name = uniqueName('guest')
  await open(page, '/login')
  await page.getByLabel('Guest name').fill(` ${name} `)
  await page.getByRole('button', { name: 'Continue as guest' }).click()
  await expect(page).toHaveURL(/\/$/)
  await open(page, '/settings')
  await expect(page.getByLabel('Display name')).toHaveValue(name)
  await expect(page.getByLabel('Username')).toHaveValue(name)

  // A guest cannot sign in again: logging out asks first, and Cancel keeps them in.
  await page.getByRole('button', { name: 'Log out' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toContainText('A guest cannot sign in again')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(page).toHaveURL(/\/settings$/)
  await page.getByRole('button', { name: 'Account menu' }).click()
  await page.locator('.v-overlay--active .v-list-item').filter({ hasText: 'Log out' }).first().click()
  await dialog.getByRole('button', { name: 'Log out' }).click()
  await expect(page).toHaveURL(/\/login/)
})

test('a guest deletes their account without a password, and the name is free again', async ({ page }) => {
  const name = uniqueName('gone')
  await open(page, '/login')
  await page.getByLabel('Guest name').fill(name)
  await page.getByRole('button', { name: 'Continue as guest' }).click()
  await expect(page).toHaveURL(/\/$/)
  await open(page, '/settings')
  await page.getByRole('button', { name: 'Delete account' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByLabel('Password')).toHaveCount(0)
  await dialog.getByRole('button', { name: 'Delete my account' }).click()
  await expect(page).toHaveURL(/\/login/)
  await page.getByLabel('Guest name').fill(name)
  await page.getByRole('button', { name: 'Continue as guest' }).click()
  await expect(page).toHaveURL(/\/$/)
})

test('a reload after the access token expired restores the session from the refresh cookie', async ({ page, context, baseURL }) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', error => problems.push(error.message))
  const username = uniqueName('stale')
  await signUp(page.request, { username, password: 'a long enough password' })
  // The access cookie outlives its 15-minute token: stand in an expired one.
  await context.addCookies([{ name: 'chat_access', value: 'an.expired.token', url: baseURL!, httpOnly: true, sameSite: 'Lax' }])
  await open(page, '/settings')
  await expect(page).toHaveURL(/\/settings/)
  await expect(page.getByLabel('Display name')).toHaveValue(username)
  expect(problems).toEqual([])
})

test('Enter pressed twice signs in once, on a slow phone too: one request, so one session', async ({ page }) => {
  const username = uniqueName('twice')
  await signUp(page.request, { username, password: 'a long enough password' })
  await page.context().clearCookies()
  // A slow device: the second Enter can come after the first answer, before the page changes.
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 })
  const logins: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/auth/login') logins.push(request.url())
  })
  await open(page, '/login')
  await page.getByLabel('Username or email').fill(username)
  await page.getByLabel('Password', { exact: true }).fill('a long enough password')
  await page.getByLabel('Password', { exact: true }).press('Enter')
  await page.getByLabel('Password', { exact: true }).press('Enter')
  await expect(page).not.toHaveURL(/\/login/)
  // A second request would have made a second session (listed in Settings for 30 days).
  expect(logins).toHaveLength(1)
})

// The login card has room on a desktop (its fields and buttons were squeezed into a third
// of the page), and on a phone it still fits the screen.
test('the login card is wide enough on a desktop and fits a phone', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await open(page, '/login')
  const card = page.locator('.v-card').filter({ has: page.getByRole('button', { name: 'Log in' }) })
  expect((await card.boundingBox())!.width).toBeGreaterThanOrEqual(400)
  await page.setViewportSize({ width: 375, height: 740 })
  const box = (await card.boundingBox())!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(375)
})

// A browser without WebAuthn is not offered a passkey sign-in it cannot do.
test('the login page offers no passkey where the browser cannot use one', async ({ page }) => {
  await page.addInitScript(() => {
    Reflect.deleteProperty(window, 'PublicKeyCredential')
  })
  await open(page, '/login')
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toHaveCount(0)
})

// The settings open in one tab follow a confirmation made in another (the link opened from
// the mail): the socket tells the person's own apps, and the status changes without a reload.
test('the email status in an open settings tab turns to Confirmed when the link is opened in another tab', async ({ page, context }) => {
  const username = uniqueName('live')
  const email = `${username}@example.com`
  await signUp(page.request, { username, email })
  await open(page, '/settings')
  await expect(page.getByText('Not confirmed')).toBeVisible()
  // The settings tab is connected (its socket brings what follows).
  await expect(page.getByTestId('session-item')).toHaveCount(1)

  const other = await context.newPage()
  const link = linkIn(await waitForMail(mailbox(), email, /confirm/i), '/verify-email')
  await open(other, link.pathname + link.search)
  await expect(other.getByText('Your email address is confirmed.')).toBeVisible()
  await expect(page.getByText('Confirmed', { exact: true })).toBeVisible()
  await expect(page.getByText('Not confirmed')).toHaveCount(0)
})
