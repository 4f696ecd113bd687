import { expect, test } from '@playwright/test'
import { closeAll, createGroupChat, messageRows, openApp, postMessage, signUpPerson } from './chat-helpers'

// A dialog or pane opened from a menu's item gives the focus back, once closed, to the
// menu's button (WAI-ARIA's menu button): the item went away with the menu, and the focus
// fell to the page's content (docs/ui.md, "A menu item's dialog gives the focus back...").

test('closing what a menu item opened gives the focus back to the menu\'s button', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createGroupChat(ana, 'Allotment', [ben])
  await postMessage(ana, chat.id, 'Bring the seeds')
  await openApp(ana, `/chats/${chat.id}`)
  const page = ana.page

  // Chosen with the keyboard: Enter on the menu's button, the arrows, Enter on the item.
  const chatOptions = page.getByRole('button', { name: 'Chat options' })
  for (const [item, dialog, close] of [['Rename group', 'Edit group', 'Escape'], ['Leave group', 'Leave Allotment?', 'Cancel'], ['Delete group', 'Delete Allotment?', 'Escape']] as const) {
    await chatOptions.focus()
    await page.keyboard.press('Enter')
    const entry = page.getByRole('menu', { name: 'Chat options' }).getByRole('menuitem', { name: item })
    for (let step = 0; step < 12 && !(await entry.evaluate(element => element === document.activeElement)); step++) {
      await page.keyboard.press('ArrowDown')
    }
    await expect(entry).toBeFocused()
    await page.keyboard.press('Enter')
    const opened = page.getByRole('dialog', { name: dialog })
    await expect(opened).toBeVisible()
    if (close === 'Escape') await page.keyboard.press('Escape')
    else await opened.getByRole('button', { name: 'Cancel' }).click()
    await expect(opened).toBeHidden()
    await expect(chatOptions, `after ${item}`).toBeFocused()
  }

  // The members pane, opened from the same menu.
  await chatOptions.click()
  await page.getByRole('menuitem', { name: 'Members' }).click()
  const pane = page.getByRole('region', { name: 'Members' })
  await expect(pane).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(pane).toBeHidden()
  await expect(chatOptions).toBeFocused()

  // A message's actions: Delete, then Cancel.
  const actions = messageRows(page, 'Bring the seeds').getByRole('button', { name: 'Message actions' })
  await messageRows(page, 'Bring the seeds').hover()
  await actions.click()
  await page.getByRole('menuitem', { name: 'Delete' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete message?' })
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toBeHidden()
  await expect(actions).toBeFocused()

  // The New chat menu's dialogs.
  const newChat = page.getByRole('button', { name: 'New chat' })
  for (const kind of ['New group', 'New direct message']) {
    await newChat.click()
    await page.getByRole('menuitem', { name: kind }).click()
    await expect(page.getByRole('dialog', { name: kind })).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(page.getByRole('dialog', { name: kind })).toBeHidden()
    await expect(newChat, `after ${kind}`).toBeFocused()
  }
  await closeAll(ana, ben)
})
