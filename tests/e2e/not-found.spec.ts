import { expect, test } from '@playwright/test'
import { chatList, closeAll, signUpPerson } from './chat-helpers'
import { openPage } from '../harness/open-page'

// An address that leads nowhere (a chat link cut short) gets Parley's own page, in the app's
// frame, with the way back to the chats; never Nuxt's bare one (docs/ui.md, "Not found and
// failures").

for (const path of ['/chats/', '/chat/0123456789abcdef01234567']) {
  test(`a cut link (${path}) shows Parley's not-found page with a way back to the chats`, async ({ browser, baseURL }) => {
    const ana = await signUpPerson(browser, baseURL, 'Ana')
    const page = ana.page
    const response = await page.goto(path)
    expect(response?.status()).toBe(404)
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
    await expect(page).toHaveTitle('Not found · Parley')
    await expect(page.getByText(/Nuxt|Go back home/)).toHaveCount(0)
    // The app's frame: its bar and the person's chats.
    await expect(page.getByRole('link', { name: 'Parley' })).toBeVisible()
    await page.getByRole('button', { name: 'Back to chats' }).click()
    await expect(page).toHaveURL(/\/$/)
    await expect(chatList(page)).toBeVisible()
    await closeAll(ana)
  })
}

test('a signed-out visitor on a cut link gets the same page, and the way back leads to log in', async ({ page }) => {
  await openPage(page, '/chats/')
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
  await page.getByRole('button', { name: 'Back to chats' }).click()
  await expect(page).toHaveURL(/\/login/)
})
