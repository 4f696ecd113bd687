import { expect, test } from '@playwright/test'
import { closeAll, composer, createDirectChat, messageRows, openApp, postMessage, signUpPerson } from './chat-helpers'

test('a message can be answered from the keyboard alone', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  await postMessage(ben, chat.id, 'Lunch at noon?')
  await openApp(ana, `/chats/${chat.id}`)
  const row = messageRows(ana.page, 'Lunch at noon?')
  await expect(row).toHaveCount(1)

  // Tab reaches the message's actions button (it shows itself when focused).
  await composer(ana.page).focus()
  const actions = row.getByRole('button', { name: 'Message actions' })
  for (let step = 0; step < 15 && !(await actions.evaluate(element => element === document.activeElement)); step++) {
    await ana.page.keyboard.press('Shift+Tab')
  }
  await expect(actions).toBeFocused()
  await ana.page.keyboard.press('Enter')
  // A screen reader is told it is a menu of actions.
  const menu = ana.page.getByRole('menu', { name: 'Message actions' })
  const reply = menu.getByRole('menuitem', { name: 'Reply' })
  await expect(reply).toBeVisible()
  await expect(menu.getByRole('menuitem')).toHaveText(['Reply', 'Copy text', 'Copy link'])
  // Arrow keys move through the menu.
  for (let step = 0; step < 15 && !(await reply.evaluate(element => element === document.activeElement)); step++) {
    await ana.page.keyboard.press('ArrowDown')
  }
  await expect(reply).toBeFocused()
  await ana.page.keyboard.press('Enter')

  await expect(ana.page.getByText('Replying to')).toBeVisible()
  await expect(composer(ana.page)).toBeFocused()
  await ana.page.keyboard.type('Yes, see you there')
  await ana.page.keyboard.press('Enter')
  await openApp(ben, `/chats/${chat.id}`)
  await expect(messageRows(ben.page, 'Yes, see you there').getByRole('button', { name: /Jump to the message/ })).toContainText('Lunch at noon?')

  // Up in the empty field edits Ana's latest message; Enter saves it, Escape would cancel.
  await expect(messageRows(ana.page, 'Yes, see you there')).toHaveCount(1)
  await ana.page.keyboard.press('ArrowUp')
  await expect(composer(ana.page)).toHaveValue('Yes, see you there')
  await expect(composer(ana.page)).toBeFocused()
  await ana.page.keyboard.press('End')
  await ana.page.keyboard.type(' at 12:30')
  await ana.page.keyboard.press('Enter')
  await expect(messageRows(ben.page, 'Yes, see you there at 12:30')).toContainText('edited')
  await expect(composer(ana.page)).toHaveValue('')
  await closeAll(ana, ben)
})

test('the first Tab offers to skip to the page, and a screen reader hears each new page\'s title', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  await openApp(ana, '/channels')
  await ana.page.keyboard.press('Tab')
  const skip = ana.page.getByRole('link', { name: 'Skip to content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await ana.page.keyboard.press('Enter')
  await expect(ana.page.getByRole('main')).toBeFocused()
  // The next Tab is inside the page (the directory's search), not back in the app bar.
  await ana.page.keyboard.press('Tab')
  expect(await ana.page.getByRole('main').evaluate(element => element.contains(document.activeElement))).toBe(true)

  await ana.page.getByRole('link', { name: 'People', exact: true }).first().click()
  await expect(ana.page.getByRole('heading', { name: 'People' })).toBeVisible()
  await expect(ana.page.locator('.nuxt-route-announcer').getByRole('status')).toHaveText('People · Parley')
  await closeAll(ana)
})
