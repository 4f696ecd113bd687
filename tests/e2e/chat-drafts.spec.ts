import { expect, test, type Page } from '@playwright/test'
import { TEST_PASSWORD } from '../harness/api-client'
import { openPage } from '../harness/open-page'
import { chatList, closeAll, composer, createDirectChat, createGroupChat, menuItem, messageLog, messageRows, openApp, postMessage, signUpPerson } from './chat-helpers'

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

// A reply is part of its chat's draft (docs/ui.md, "A reply is part of the draft"): the
// reply bar used to go on a switch of chats or a reload, the words stayed, and Enter sent
// them as an ordinary message, without the quote or the mention of the original's author.
test('a half-written reply stays a reply when the writer switches chats and comes back, and after a reload', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const direct = await createDirectChat(ana, ben)
  await createGroupChat(ben, 'Lunch plans', [ana])
  await postMessage(ana, direct.id, 'Which train do we take?')
  await openApp(ana, `/chats/${direct.id}`)
  await openApp(ben, `/chats/${direct.id}`)

  const original = messageRows(ben.page, 'Which train do we take?')
  await original.hover()
  await original.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ben.page, 'Reply').click()
  await composer(ben.page).fill('half-written reply')
  await expect(composer(ben.page)).toHaveAccessibleDescription(/^Replying to Ana: Which train do we take\?/)

  await chatList(ben.page).getByRole('link', { name: /^Lunch plans/ }).click()
  await expect(composer(ben.page)).toHaveValue('')
  await expect(composer(ben.page)).not.toHaveAccessibleDescription(/Replying/)
  await chatList(ben.page).getByRole('link', { name: /^Ana/ }).click()
  await expect(composer(ben.page)).toHaveValue('half-written reply')
  await expect(composer(ben.page)).toHaveAccessibleDescription(/^Replying to Ana: Which train do we take\?/)

  await ben.page.reload()
  await expect(composer(ben.page)).toHaveValue('half-written reply')
  await expect(composer(ben.page)).toHaveAccessibleDescription(/^Replying to Ana: Which train do we take\?/)

  // Enter sends it as the reply it is: quoted for both, and gone from the draft.
  await composer(ben.page).press('Enter')
  const reply = messageRows(ana.page, 'half-written reply')
  await expect(reply.getByRole('button', { name: /Jump to the message/ })).toContainText('Which train do we take?')
  await expect(composer(ben.page)).toHaveValue('')
  await expect(composer(ben.page)).not.toHaveAccessibleDescription(/Replying/)
  await ben.page.reload()
  await expect(messageRows(ben.page, 'half-written reply')).toHaveCount(1)
  await expect(composer(ben.page)).not.toHaveAccessibleDescription(/Replying/)
  await closeAll(ana, ben)
})

test('a reply cancelled, or whose message is deleted, is not brought back with the draft', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const direct = await createDirectChat(ana, ben)
  await createGroupChat(ben, 'Lunch plans', [ana])
  await postMessage(ana, direct.id, 'first question')
  await postMessage(ana, direct.id, 'second question')
  await openApp(ana, `/chats/${direct.id}`)
  await openApp(ben, `/chats/${direct.id}`)

  async function replyTo(text: string) {
    const row = messageRows(ben.page, text)
    await row.hover()
    await row.getByRole('button', { name: 'Message actions' }).click()
    await menuItem(ben.page, 'Reply').click()
    await expect(composer(ben.page)).toHaveAccessibleDescription(new RegExp(`^Replying to Ana: ${text}`))
  }

  await replyTo('first question')
  await composer(ben.page).fill('my answer')
  await ben.page.getByRole('button', { name: 'Cancel reply' }).click()
  await ben.page.reload()
  await expect(composer(ben.page)).toHaveValue('my answer')
  await expect(composer(ben.page)).not.toHaveAccessibleDescription(/Replying/)

  // Ana deletes the message Ben's draft replies to while he is in another chat.
  await replyTo('second question')
  await chatList(ben.page).getByRole('link', { name: /^Lunch plans/ }).click()
  await expect(composer(ben.page)).toHaveValue('')
  const mine = messageRows(ana.page, 'second question')
  await mine.hover()
  await mine.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Delete').click()
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  await expect(messageRows(ana.page, 'second question')).toHaveCount(0)
  await chatList(ben.page).getByRole('link', { name: /^Ana/ }).click()
  await expect(ben.page.getByText('The message you were replying to was deleted.')).toBeVisible()
  await expect(composer(ben.page)).toHaveValue('my answer')
  await expect(composer(ben.page)).not.toHaveAccessibleDescription(/Replying/)
  await ben.page.reload()
  await expect(composer(ben.page)).toHaveValue('my answer')
  await expect(composer(ben.page)).not.toHaveAccessibleDescription(/Replying/)
  await closeAll(ana, ben)
})
