import { expect, test } from '@playwright/test'
import { textContrast } from '../harness/contrast'
import { openPage } from '../harness/open-page'
import { closeAll, hideableTab, signInElsewhere, signUpPerson } from './chat-helpers'

test('the profile and the password are saved from /settings, and stay saved after a reload', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const { page } = ana
  await openPage(page, '/settings')

  // Each section is a region named by its heading: a screen reader lists and jumps between them.
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(['Profile', 'Email', 'Password', 'Two-factor authentication', 'Passkeys', 'Notifications', 'Sessions', 'Delete account'])
  await expect(page.getByRole('region', { name: 'Sessions' })).toContainText('Where you are signed in')
  await page.getByLabel('Display name').fill('Ana Settings')
  await page.getByLabel('Country').fill('Portugal')
  await page.getByRole('button', { name: 'Save profile' }).click()
  await expect(page.getByText('Profile saved.')).toBeVisible()
  // A success message is readable on its green (WCAG AA: 4.5:1).
  expect(await textContrast(page.locator('.v-snackbar__wrapper').filter({ hasText: 'Profile saved.' }))).toBeGreaterThanOrEqual(4.5)

  // The new password is checked by the shared schema before anything is sent.
  await page.getByLabel('Current password').fill('correct horse battery staple')
  await page.getByLabel('New password', { exact: true }).fill('short')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByText('Use 8 to 256 characters')).toBeVisible()
  await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByText('Password changed. Your other sessions were signed out.')).toBeVisible()

  await openPage(page, '/settings')
  await expect(page.getByLabel('Display name')).toHaveValue('Ana Settings')
  await expect(page.getByLabel('Country')).toHaveValue('Portugal')
  const login = await page.request.post('/api/auth/login', { data: { login: ana.username, password: 'a brand new passphrase' } })
  expect(login.status()).toBe(200)
  await closeAll(ana)
})

test('deleting the account asks for the password in a dialog, then signs out', async ({ browser, baseURL }) => {
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const { page } = ben
  await openPage(page, '/settings')

  await page.getByRole('button', { name: 'Delete account' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByText('Delete your account?')).toBeVisible()
  // Cancel closes the dialog and deletes nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()

  // A wrong password is said so in the dialog (the server's words), which stays open to retry.
  await page.getByRole('button', { name: 'Delete account' }).click()
  await dialog.getByLabel('Password', { exact: true }).fill('not my password')
  await dialog.getByRole('button', { name: 'Delete my account' }).click()
  await expect(dialog.getByRole('alert').filter({ hasText: 'Wrong password.' })).toBeVisible()
  await expect(dialog).toBeVisible()

  await dialog.getByLabel('Password', { exact: true }).fill('correct horse battery staple')
  await dialog.getByRole('button', { name: 'Delete my account' }).click()
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByText('Your account was deleted.')).toBeVisible()
  const login = await page.request.post('/api/auth/login', { data: { login: ben.username, password: 'correct horse battery staple' } })
  expect(login.status()).toBe(401)
  await closeAll(ben)
})

test('on a phone the settings wrap rather than cut what a person reads there', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport: { width: 390, height: 844 } })
  const { page } = ana
  await openPage(page, '/settings')
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(`${ana.username}@example.com`)
  await page.getByRole('button', { name: 'Save email' }).click()
  await expect(page.getByText('Not confirmed')).toBeVisible()
  await expect(page.getByTestId('session-item')).toHaveCount(1)

  // Nothing of these is cut short with an ellipsis or clipped by its box.
  const cut = async (selector: string) => page.locator(selector).evaluateAll(elements =>
    elements.filter(element => element.scrollWidth > element.clientWidth + 1).map(element => element.textContent?.trim()))
  expect(await cut('[data-testid="session-item"] .v-list-item-title, [data-testid="session-item"] .v-list-item-subtitle')).toEqual([])
  expect(await cut('.v-chip .v-chip__content')).toEqual([])
  expect(await cut('[data-testid="passkeys"] .v-field-label')).toEqual([])
  await closeAll(ana)
})

test('each message of the snackbar is said once, by a live region that was on the page before it came', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const { page } = ana
  await openPage(page, '/settings')
  await expect(page.getByLabel('Display name')).toBeVisible()
  // What a screen reader listens to: the page's live regions before anything is said.
  const liveRegions = '[role="status"], [role="alert"], [aria-live]:not([aria-live="off"])'
  const listening = await page.locator(liveRegions).elementHandles()
  /** Which of those regions say `text` (their places in the list). */
  const saying = async (text: string) => {
    const said = await Promise.all(listening.map(region => region.evaluate((element, expected) => element.isConnected && !!element.textContent?.includes(expected), text)))
    return said.flatMap((yes, index) => yes ? [index] : [])
  }
  const sayers: number[][] = []

  for (const name of ['Ana Heard', 'Ana Heard Again']) {
    await page.getByLabel('Display name').fill(name)
    await page.getByRole('button', { name: 'Save profile' }).click()
    await expect(page.getByText('Profile saved.')).toBeVisible()
    // One region that was listened to says it, and no second region nested in it says it again.
    sayers.push(await saying('Profile saved.'))
    expect(sayers.at(-1)).toHaveLength(1)
    expect(await page.locator(liveRegions).filter({ hasText: 'Profile saved.' }).count()).toBe(1)
    await page.getByRole('button', { name: 'Dismiss message' }).click()
    await expect(page.getByText('Profile saved.')).toHaveCount(0)
  }
  // The second message is said by the region that said the first.
  expect(sayers[1]).toEqual(sayers[0])
  await closeAll(ana)
})

test('a second settings tab follows the profile saved in the first, and its save changes only what was typed there', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const first = ana.page
  const second = await ana.context.newPage()
  await openPage(first, '/settings')
  await openPage(second, '/settings')
  await expect(second.getByLabel('Display name')).toHaveValue('Ana')

  await first.getByLabel('Display name').fill('Alpha Name')
  await first.getByLabel('Country').fill('Spain')
  await first.getByRole('button', { name: 'Save profile' }).click()
  await expect(first.getByText('Profile saved.')).toBeVisible()
  // The other tab shows the account as it is now, without a reload.
  await expect(second.getByLabel('Display name')).toHaveValue('Alpha Name')
  await expect(second.getByLabel('Country')).toHaveValue('Spain')

  // Only the bio is typed in the second tab: only the bio is sent, so nothing of the first is undone.
  await second.getByLabel('About you').fill('Written in the second tab')
  const patch = second.waitForRequest(request => request.method() === 'PATCH' && request.url().endsWith('/api/users/me'))
  await second.getByRole('button', { name: 'Save profile' }).click()
  expect((await patch).postDataJSON()).toEqual({ bio: 'Written in the second tab' })
  await expect(second.getByText('Profile saved.')).toBeVisible()
  // The first tab, untouched since its save, follows too.
  await expect(first.getByLabel('About you')).toHaveValue('Written in the second tab')

  await openPage(first, '/settings')
  await expect(first.getByLabel('Display name')).toHaveValue('Alpha Name')
  await expect(first.getByLabel('Country')).toHaveValue('Spain')
  await expect(first.getByLabel('About you')).toHaveValue('Written in the second tab')
  await closeAll(ana)
})

test('an email saved on the laptop shows in the settings open on the phone, whose Save stays off until the field is edited there', async ({ browser, baseURL }) => {
  const laptop = await signUpPerson(browser, baseURL, 'Ana')
  const phone = await signInElsewhere(browser, baseURL, laptop)
  await openPage(laptop.page, '/settings')
  await openPage(phone.page, '/settings')
  const phoneEmail = phone.page.getByRole('textbox', { name: 'Email', exact: true })
  await expect(phoneEmail).toHaveValue('')

  const address = `${laptop.username}@example.com`
  await laptop.page.getByRole('textbox', { name: 'Email', exact: true }).fill(address)
  await laptop.page.getByRole('button', { name: 'Save email' }).click()
  await expect(laptop.page.getByText(`We sent a confirmation link to ${address}.`)).toBeVisible()

  // The phone shows the new address with its status; nothing there is to save, so nothing
  // stale can be sent back over it (before: the old, empty field and a lit "Save email"
  // that removed the new address).
  await expect(phone.page.getByText('Not confirmed')).toBeVisible()
  await expect(phoneEmail).toHaveValue(address)
  await expect(phone.page.getByRole('button', { name: 'Save email' })).toBeDisabled()
  // What the person types there is theirs: a later change elsewhere does not overwrite it.
  await phoneEmail.fill(`typed.${address}`)
  await expect(phone.page.getByRole('button', { name: 'Save email' })).toBeEnabled()
  await laptop.page.getByLabel('Display name').fill('Ana Again')
  await laptop.page.getByRole('button', { name: 'Save profile' }).click()
  await expect(phone.page.getByLabel('Display name')).toHaveValue('Ana Again')
  await expect(phoneEmail).toHaveValue(`typed.${address}`)
  await closeAll(laptop, phone)
})

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:129.0) Gecko/20100101 Firefox/129.0'

test('a session signed out on the phone leaves the laptop\'s list quietly, and a later sign-in shows when the tab is back', async ({ browser, baseURL }) => {
  const laptop = await signUpPerson(browser, baseURL, 'Ana')
  const tab = await hideableTab(laptop)
  const phone = await signInElsewhere(browser, baseURL, laptop)
  const desktop = await signInElsewhere(browser, baseURL, laptop, { userAgent: FIREFOX_ON_WINDOWS })
  await openPage(laptop.page, '/settings')
  await openPage(phone.page, '/settings')
  const laptopSessions = laptop.page.getByTestId('session-item')
  await expect(laptopSessions).toHaveCount(3)
  await expect(phone.page.getByTestId('session-item')).toHaveCount(3)

  const signOutDesktop = (page: typeof laptop.page) => page.getByRole('button', { name: /^Sign out Firefox 128 on Windows/ })
  await signOutDesktop(phone.page).click()
  await expect(phone.page.getByText('Session signed out.')).toBeVisible()
  // The laptop's list still shows it; signing it out there finds it already gone: the row
  // goes, with no error (before: "Not found." in red, and the row stayed).
  await signOutDesktop(laptop.page).click()
  await expect(laptop.page.getByText('That session was already signed out.')).toBeVisible()
  await expect(laptopSessions).toHaveCount(2)
  await expect(laptop.page.getByText('Not found.')).toHaveCount(0)

  // A sign-in made while the page was open shows once the person comes back to the tab.
  await tab.setHidden(true)
  const later = await signInElsewhere(browser, baseURL, laptop, { userAgent: FIREFOX_ON_LINUX })
  await tab.setHidden(false)
  await expect(laptop.page.getByRole('button', { name: /^Sign out Firefox 129 on Linux/ })).toBeVisible()
  await expect(laptopSessions).toHaveCount(3)
  await closeAll(laptop, phone, desktop, later)
})
