import { expect, test } from '@playwright/test'
import { chatList, closeAll, composer, menuItem, messageRows, openApp, send, signUp, uniqueName } from './chat-helpers'

test('a group is created and renamed, and its members see both live', async ({ browser, baseURL }) => {
  const ana = await signUp(browser, baseURL, 'Ana')
  const ben = await signUp(browser, baseURL, 'Ben')
  const cleo = await signUp(browser, baseURL, 'Cleo')
  await openApp(ben)
  await openApp(cleo)
  await openApp(ana, '/people')

  await ana.page.getByRole('button', { name: 'New chat' }).click()
  await menuItem(ana.page, 'New group').click()
  const dialog = ana.page.getByRole('dialog')
  await dialog.getByLabel('Group name', { exact: true }).fill('Weekend plans')
  for (const person of [ben, cleo]) {
    await dialog.getByLabel('Members', { exact: true }).fill(person.username)
    await ana.page.locator('.v-overlay--active .v-list-item').filter({ hasText: `@${person.username}` }).click()
  }
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(ana.page.getByRole('heading', { name: 'Weekend plans' })).toBeVisible()
  await send(ana.page, 'Who is in?')

  for (const person of [ben, cleo]) {
    const item = chatList(person.page).getByRole('link', { name: /Weekend plans/ })
    await expect(item).toBeVisible()
  }
  await chatList(ben.page).getByRole('link', { name: /Weekend plans/ }).click()
  await expect(messageRows(ben.page, 'Who is in?')).toHaveCount(1)

  // Ana renames it; Ben (looking at it) and Cleo (in the list) see the new name.
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Rename group').click()
  await ana.page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('Lake trip')
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await expect(ben.page.getByRole('heading', { name: 'Lake trip' })).toBeVisible()
  await expect(chatList(cleo.page).getByRole('link', { name: /Lake trip/ })).toBeVisible()
  await send(ben.page, 'Me!')
  await expect(messageRows(ana.page, 'Me!')).toHaveCount(1)
  await closeAll(ana, ben, cleo)
})

test('a channel is joined from the directory', async ({ browser, baseURL }) => {
  const ana = await signUp(browser, baseURL, 'Ana')
  const ben = await signUp(browser, baseURL, 'Ben')
  const name = uniqueName('hikers')
  const created = await ana.context.request.post('/api/chats', { data: { type: 'channel', name, topic: 'Trails and peaks' } })
  expect(created.status()).toBe(201)
  const channel = await created.json()
  await openApp(ana, `/chats/${channel.id}`)

  await openApp(ben, '/channels')
  await ben.page.getByRole('textbox', { name: 'Search channels' }).fill(name)
  await ben.page.getByRole('button', { name: `Join ${name}` }).click()
  await expect(ben.page.getByRole('heading', { name })).toBeVisible()
  await expect(chatList(ben.page).getByRole('link', { name: new RegExp(name) })).toBeVisible()
  await expect(composer(ben.page)).toBeVisible()
  await send(ben.page, 'Hello hikers')
  await expect(messageRows(ana.page, 'Hello hikers')).toHaveCount(1)
  await closeAll(ana, ben)
})
