import { expect, test } from '@playwright/test'
import { uniqueName } from '../harness/api-client'
import { closeAll, menuItem, openApp, signUpPerson } from './chat-helpers'

test('a taken channel name is said next to the name, and the dialog stays open to fix it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const taken = uniqueName('taken')
  const created = await ana.context.request.post('/api/chats', { data: { type: 'channel', name: taken } })
  expect(created.status()).toBe(201)

  await openApp(ana, '/channels')
  await ana.page.getByRole('button', { name: 'New channel' }).click()
  const dialog = ana.page.getByRole('dialog')
  await dialog.getByLabel('Channel name').fill(taken.toUpperCase())
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog.getByText('A channel with that name exists.')).toBeVisible()
  await expect(dialog).toBeVisible()

  const fresh = uniqueName('fresh')
  await dialog.getByLabel('Channel name').fill(fresh)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  await expect(ana.page.getByRole('heading', { name: fresh })).toBeVisible()

  // Renaming it to the taken name is refused in the edit dialog, which stays open.
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Edit name and topic').click()
  const edit = ana.page.getByRole('dialog')
  await edit.getByLabel('Name', { exact: true }).fill(taken)
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(edit.getByRole('alert').filter({ hasText: 'A channel with that name exists.' })).toBeVisible()
  await expect(ana.page.getByRole('heading', { name: fresh })).toBeVisible()
  await closeAll(ana)
})

test('a dialog is named by its title, and closing it gives the focus back to the button that opened it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  await openApp(ana, '/channels')
  // Each button is named as the dialog it opens.
  for (const name of ['New channel', 'Search messages']) {
    const opener = ana.page.getByRole('button', { name })
    await opener.click()
    await expect(ana.page.getByRole('dialog', { name })).toBeVisible()
    await ana.page.keyboard.press('Escape')
    await expect(ana.page.getByRole('dialog')).toHaveCount(0)
    await expect(opener).toBeFocused()
  }
  await closeAll(ana)
})
