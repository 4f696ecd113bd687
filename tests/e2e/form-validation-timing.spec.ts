import { expect, test } from '@playwright/test'
import { openPage } from '../harness/open-page'

// A field the app focused by itself, left empty by a person who only moved on (Tab, a
// click elsewhere), is not told off: its error waits for the submit. Typed in, a wrong
// value is told as it is typed (docs/ui.md, "Forms").
test('an autofocused field left empty shows no error until the form is submitted, then the first error takes the focus', async ({ page }) => {
  await openPage(page, '/login')
  const login = page.getByLabel('Username or email')
  const password = page.getByLabel('Password', { exact: true })
  await expect(login).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(password).toBeFocused()
  // Leaves the password field too (to its show-password button).
  await page.keyboard.press('Tab')
  await expect(password).not.toBeFocused()
  await expect(page.getByText('Enter your username or email')).toHaveCount(0)
  await expect(page.getByText('Enter your password')).toHaveCount(0)

  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByText('Enter your username or email')).toBeVisible()
  await expect(page.getByText('Enter your password')).toBeVisible()
  await expect(login).toBeFocused()
  // Typing mends the error as the person types.
  await page.keyboard.type('ana')
  await expect(page.getByText('Enter your username or email')).toHaveCount(0)
})

test('a field the person typed a wrong value in tells it as they type, and an untouched one stays quiet', async ({ page }) => {
  await openPage(page, '/register')
  const username = page.getByLabel('Username')
  await expect(username).toBeFocused()
  await page.keyboard.type('a')
  await expect(page.getByText('Use 3 to 32 letters')).toBeVisible()
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Email')).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(page.getByText('Use 3 to 32 letters')).toBeVisible()
  await expect(page.locator('.v-input--error')).toHaveCount(1)

  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.locator('.v-input--error')).toHaveCount(2)
  await expect(username).toBeFocused()
})
