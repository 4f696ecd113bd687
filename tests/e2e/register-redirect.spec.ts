import { expect, test } from '@playwright/test'
import { TEST_PASSWORD, uniqueName } from '../harness/api-client'
import { openPage } from '../harness/open-page'
import { closeAll, createChannel, messageLog, postMessage, signUpPerson } from './chat-helpers'

// A shared link opened signed out goes to /login?redirect=…; creating an account from there
// lands on the link, as "Log in" and "Continue as guest" do, and never on another site
// (docs/ui.md, "Where signing in leads").

test('"Create an account" from a shared link lands on the linked channel and message', async ({ browser, baseURL, page }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const channel = await createChannel(ana, uniqueName('trail-talk'), [])
  await postMessage(ana, channel.id, 'the message the link points at')

  await openPage(page, `/chats/${channel.id}?around=1`)
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await page.getByRole('link', { name: 'Create an account' }).click()
  await expect(page).toHaveURL(/\/register\?redirect=/)
  // "Log in" there keeps the way back too, and so does coming back.
  await page.getByRole('link', { name: 'Log in' }).click()
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await page.getByRole('link', { name: 'Create an account' }).click()

  // A person writes once the form has come: until then the login form is still on screen,
  // and its "Username or email" took the name (the CI run of 2026-12-07).
  const createAccount = page.getByRole('button', { name: 'Create account' })
  await expect(createAccount).toBeVisible()
  await page.getByLabel('Username', { exact: true }).fill(uniqueName('newcomer'))
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await createAccount.click()
  // The path itself: /register?redirect=/chats/<id>?around=1 ends the same way.
  await expect(page).toHaveURL(new RegExp(`^[^?]*/chats/${channel.id}\\?around=1$`))
  await expect(messageLog(page).getByText('the message the link points at')).toBeVisible()
  await closeAll(ana)
})

test('a new account never goes to another site from /register?redirect=', async ({ page }) => {
  await openPage(page, `/register?redirect=${encodeURIComponent('//example.com/x')}`)
  // Not carried on either.
  await expect(page.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login')
  await page.getByLabel('Username', { exact: true }).fill(uniqueName('newcomer'))
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  await expect(page.getByRole('navigation', { name: 'Chats' })).toBeVisible()
})
