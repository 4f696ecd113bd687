import { expect, test } from '@playwright/test'
import { closeAll, openApp, signUp, uniqueName } from './chat-helpers'

test('a taken channel name is said next to the name, and the dialog stays open to fix it', async ({ browser, baseURL }) => {
  const ana = await signUp(browser, baseURL, 'Ana')
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
  await closeAll(ana)
})
