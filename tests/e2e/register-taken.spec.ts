import { expect, test } from '@playwright/test'
import { openPage } from '../harness/open-page'
import { signUp, uniqueName } from '../harness/api-client'

// A taken username or email is said under its field, which is marked invalid and takes the
// focus (docs/ui.md, "A taken username or email..."); it was a snackbar, with the focus left
// on Password.

test('a taken username or email is said under its field, which takes the focus', async ({ baseURL, page }) => {
  const taken = uniqueName('taken')
  const email = `${taken}@example.com`
  await signUp(baseURL!, { username: taken, email })

  await openPage(page, '/register')
  const username = page.getByLabel('Username')
  await username.fill(taken)
  await page.getByLabel('Password', { exact: true }).fill('a long enough password')
  await page.getByLabel('Password', { exact: true }).press('Enter')
  await expect(page.getByText('That username is taken.')).toBeVisible()
  await expect(username).toHaveAccessibleDescription(/That username is taken\./)
  await expect(username).toBeFocused()
  await expect(username).toHaveAttribute('aria-invalid', 'true')
  await expect(page).toHaveURL(/\/register$/)

  // Changed, the name is no longer marked; the email is the taken one now.
  await page.keyboard.type('_2')
  await expect(username).not.toHaveAttribute('aria-invalid', 'true')
  const emailField = page.getByLabel('Email')
  await emailField.fill(email)
  await page.getByLabel('Password', { exact: true }).press('Enter')
  await expect(emailField).toHaveAccessibleDescription(/That email is already in use\./)
  await expect(emailField).toBeFocused()
  await expect(emailField).toHaveAttribute('aria-invalid', 'true')
  await expect(page).toHaveURL(/\/register$/)
})

test('a username that mentions the whole chat ("Everyone") is refused under its field, by the schema the server uses, before anything is sent', async ({ page }) => {
  const registrations: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/auth/register') registrations.push(request.method())
  })
  await openPage(page, '/register')
  const username = page.getByLabel('Username', { exact: true })
  await username.fill('Everyone')
  await page.getByLabel('Password', { exact: true }).fill('a long enough password')
  await page.getByLabel('Password', { exact: true }).press('Enter')
  await expect(username).toHaveAccessibleDescription(/"Everyone" cannot be a username: @everyone mentions the whole chat/)
  await expect(page).toHaveURL(/\/register$/)
  expect(registrations).toEqual([])
})
