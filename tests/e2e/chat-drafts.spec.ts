import { expect, test, type Page } from '@playwright/test'
import { TEST_PASSWORD } from '../harness/api-client'
import { openPage } from '../harness/open-page'
import { closeAll, composer, createGroupChat, menuItem, messageLog, openApp, signUpPerson } from './chat-helpers'

// Drafts are their writer's (docs/ui.md, "Drafts are their writer's"): an unsent draft is
// kept for the account that typed it, never put in the composer of the next person who
// signs in on the same browser.

async function logInHere(page: Page, username: string) {
  await page.getByLabel('Username or email').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page).not.toHaveURL(/\/login/)
}

test('an unsent draft stays with its writer: the next account signed in on the browser finds an empty composer, the writer finds it again', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const cat = await signUpPerson(browser, baseURL, 'Cat')
  const design = await createGroupChat(ana, 'Design', [cat])
  const secret = 'PRIVATE: I think Cat should not get the promotion'

  await openApp(ana, `/chats/${design.id}`)
  await composer(ana.page).fill(secret)
  await ana.page.getByRole('button', { name: 'Account menu' }).click()
  await menuItem(ana.page, 'Log out').click()
  await expect(ana.page).toHaveURL(/\/login/)

  // Cat signs in on Ana's browser and opens the same group.
  await logInHere(ana.page, cat.username)
  await openApp(ana, `/chats/${design.id}`)
  await expect(messageLog(ana.page)).toBeVisible()
  await expect(composer(ana.page)).toHaveValue('')
  await ana.page.getByRole('button', { name: 'Account menu' }).click()
  await menuItem(ana.page, 'Log out').click()
  await expect(ana.page).toHaveURL(/\/login/)

  // Ana back on her browser finds her words where she left them.
  await logInHere(ana.page, ana.username)
  await openPage(ana.page, `/chats/${design.id}`)
  await expect(composer(ana.page)).toHaveValue(secret)
  await closeAll(ana, cat)
})
