import { expect, test } from '@playwright/test'
import { closeAll, createDirectChat, openApp, postMessage, signUpPerson } from './chat-helpers'

// The search dialog to a keyboard and screen reader user (docs/ui.md, "Search results are
// said"): each search's outcome is said, and the words of the last search are replaced
// by new typing.

test('a screen reader is told how many messages a search found, or that it found none', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  for (const words of ['Tickets for Friday', 'Tickets are sold out']) await postMessage(ben, chat.id, words)
  await openApp(ana, '/')
  await ana.page.getByRole('button', { name: 'Search messages' }).click()
  const dialog = ana.page.getByRole('dialog', { name: 'Search messages' })
  const status = dialog.getByRole('status')
  await expect(dialog.getByRole('textbox', { name: 'Search' })).toBeFocused()
  await ana.page.keyboard.type('tickets')
  await expect(dialog.getByRole('list', { name: 'Search results' }).getByRole('link')).toHaveCount(2)
  await expect(status).toHaveText('2 messages found.')
  await ana.page.keyboard.press('ControlOrMeta+a')
  await ana.page.keyboard.type('friday')
  await expect(status).toHaveText('1 message found.')
  await ana.page.keyboard.press('ControlOrMeta+a')
  await ana.page.keyboard.type('zebra')
  await expect(status).toHaveText('No messages found.')
  await closeAll(ana, ben)
})

test('following a result with the keyboard puts the focus on the message jumped to', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await postMessage(ben, chat.id, 'The venue is the old library')
  for (let index = 1; index <= 60; index++) await postMessage(ben, chat.id, `filler ${index}`)
  await openApp(ana, `/chats/${chat.id}`)
  await ana.page.getByRole('button', { name: 'Search in this chat' }).press('Enter')
  const dialog = ana.page.getByRole('dialog', { name: 'Search messages' })
  // Typed once the field shows, with the caret in it.
  await expect(dialog.getByRole('textbox', { name: 'Search' })).toBeFocused()
  await ana.page.keyboard.type('venue')
  const result = dialog.getByRole('list', { name: 'Search results' }).getByRole('link')
  await expect(result).toHaveCount(1)
  await result.press('Enter')
  await expect(dialog).toBeHidden()
  const jumpedTo = ana.page.locator('[data-seq="1"]')
  await expect(jumpedTo).toContainText('The venue is the old library')
  await expect(jumpedTo).toBeFocused()
  await closeAll(ana, ben)
})

test('search opened again selects the last words, so typing replaces them', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  await openApp(ana, '/')
  const opener = ana.page.getByRole('button', { name: 'Search messages' })
  await opener.click()
  const dialog = ana.page.getByRole('dialog', { name: 'Search messages' })
  const box = dialog.getByRole('textbox', { name: 'Search' })
  await expect(box).toBeFocused()
  await ana.page.keyboard.type('hello')
  await ana.page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  await opener.press('Enter')
  await expect(box).toBeFocused()
  await expect(box).toHaveValue('hello')
  await ana.page.keyboard.type('release')
  await expect(box).toHaveValue('release')
  await closeAll(ana)
})
