import { expect, test } from '@playwright/test'
import { uniqueName } from '../harness/api-client'
import { chatList, closeAll, createChannel, createDirectChat, createGroupChat, menuItem, messageLog, openApp, postMessage, signUpPerson, type Person } from './chat-helpers'

// A chat that goes away from under the person (left, removed, deleted) leaves them on the
// home page, told which chat it was; no other chat opens by itself, so nothing they did not
// pick is marked read. Leaving asks first and says what follows: who owns the chat after its
// owner, or that a group's last member deletes it.

async function unreadOf(person: Person, chatId: string): Promise<number> {
  const chat = await (await person.context.request.get(`/api/chats/${chatId}`)).json() as { membership: { unreadCount: number } }
  return chat.membership.unreadCount
}

/** The home page's neutral pane: no conversation on screen. */
async function expectHome(person: Person) {
  await expect(person.page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible()
  await expect(person.page).toHaveURL(/\/$/)
  await expect(messageLog(person.page)).toHaveCount(0)
}

test('removed from the open chat, or it deleted, the person is told which chat and lands where no other chat opens or is marked read', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  const design = await createGroupChat(ana, 'Design', [ben])
  const garden = await createGroupChat(ana, 'Garden', [ben])
  // Cy's chat has news Ben has not read, and is at the top of his list.
  const withCy = await createDirectChat(cy, ben)
  for (const words of ['Are you there?', 'Lunch?', 'Call me']) await postMessage(cy, withCy.id, words)
  await openApp(ben, `/chats/${design.id}`)
  await expect(ben.page.getByRole('heading', { name: 'Design' })).toBeVisible()

  expect((await ana.context.request.delete(`/api/chats/${design.id}/members/${ben.id}`)).status()).toBe(204)
  await expect(ben.page.getByText('You are no longer a member of Design.')).toBeVisible()
  await expectHome(ben)
  await expect(chatList(ben.page).getByRole('link', { name: /Cy/ })).toBeVisible()
  expect(await unreadOf(ben, withCy.id)).toBe(3)

  await chatList(ben.page).getByRole('link', { name: /Garden/ }).click()
  await expect(ben.page.getByRole('heading', { name: 'Garden' })).toBeVisible()
  expect((await ana.context.request.delete(`/api/chats/${garden.id}`)).status()).toBe(204)
  await expect(ben.page.getByText('Garden was deleted.')).toBeVisible()
  await expectHome(ben)
  expect(await unreadOf(ben, withCy.id)).toBe(3)
  await closeAll(ana, ben, cy)
})

test('the owner leaving is told who will own the chat after them, and lands on the home page with nothing else marked read', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  const name = uniqueName('porch')
  const channel = await createChannel(ana, name, [ben, cy])
  expect((await ana.context.request.patch(`/api/chats/${channel.id}/members/${cy.id}`, { data: { role: 'admin' } })).status()).toBe(200)
  const withBen = await createDirectChat(ben, ana)
  await postMessage(ben, withBen.id, 'Unread news')
  await openApp(ana, `/chats/${channel.id}`)

  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Leave channel').click()
  const dialog = ana.page.getByRole('dialog')
  await expect(dialog).toContainText(`Leave ${name}?`)
  // Cy, the admin, owns it after Ana, though Ben joined before her.
  await expect(dialog).toContainText('Cy will own it after you.')
  await dialog.getByRole('button', { name: 'Leave' }).click()
  await expectHome(ana)
  expect(await unreadOf(ana, withBen.id)).toBe(1)
  await closeAll(ana, ben, cy)
})

test('the owner cannot confirm leaving before the dialog names who will own the chat next', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ana, 'Kitchen', [ben])
  await openApp(ana, `/chats/${group.id}`)
  // The app's question "who owns it after me?" is held until the test lets it through.
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  await ana.page.route(url => url.pathname.startsWith(`/api/chats/${group.id}/`) && (url.pathname.endsWith('/next-owner') || url.searchParams.has('role')), async (route) => {
    await released
    await route.continue()
  })

  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Leave group').click()
  const dialog = ana.page.getByRole('dialog')
  await expect(dialog).toContainText('Finding who will own it after you')
  await expect(dialog.getByRole('button', { name: 'Leave' })).toBeDisabled()
  release()
  await expect(dialog).toContainText('Ben will own it after you.')
  await expect(dialog.getByRole('button', { name: 'Leave' })).toBeEnabled()
  await dialog.getByRole('button', { name: 'Leave' }).click()
  await expectHome(ana)
  await closeAll(ana, ben)
})

test('the last one to leave a channel is told nobody will own it, and whoever joins next owns it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const name = uniqueName('attic')
  const channel = await createChannel(ana, name, [])
  await openApp(ana, `/chats/${channel.id}`)
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Leave channel').click()
  const dialog = ana.page.getByRole('dialog')
  await expect(dialog).toContainText('Nobody else is in it: whoever joins it next will own it.')
  await dialog.getByRole('button', { name: 'Leave' }).click()
  await expectHome(ana)

  await openApp(ben, '/channels')
  await ben.page.getByRole('textbox', { name: 'Search channels' }).fill(name)
  await ben.page.getByRole('button', { name: `Join ${name}` }).click()
  await expect(ben.page.getByRole('heading', { name })).toBeVisible()
  await ben.page.getByRole('button', { name: 'Chat options' }).click()
  await expect(menuItem(ben.page, 'Edit name and topic')).toBeVisible()
  await expect(menuItem(ben.page, 'Delete channel')).toBeVisible()
  await closeAll(ana, ben)
})

test('the last member leaving a group is warned that the group and its messages are deleted', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const solo = await createGroupChat(ana, 'Notes to self', [])
  await openApp(ana, `/chats/${solo.id}`)
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Leave group').click()
  const dialog = ana.page.getByRole('dialog')
  await expect(dialog).toContainText('You are its last member: the group and all its messages are deleted.')
  await expect(dialog).not.toContainText('added again')
  await dialog.getByRole('button', { name: 'Leave' }).click()
  await expectHome(ana)
  expect((await ana.context.request.get(`/api/chats/${solo.id}`)).status()).toBe(404)
  await closeAll(ana)
})

test('the channel directory follows live: the member count, and Join once the person left in another tab', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  const name = uniqueName('meadow')
  const channel = await createChannel(ana, name, [ben])
  await openApp(ben, '/channels')
  // The directory's answer comes before Cy joins, so its own count is the older one.
  const searched = ben.page.waitForResponse(response => response.url().includes('/api/chats/public') && response.url().includes(name))
  await ben.page.getByRole('textbox', { name: 'Search channels' }).fill(name)
  const row = ben.page.getByRole('list', { name: 'Channels' }).getByRole('listitem').filter({ hasText: name })
  await expect(row).toContainText('2 members')
  await expect(row.getByRole('link', { name: `Open ${name}` })).toBeVisible()
  await searched

  // Cy joins: Ben's directory counts her, and still does once Ben has left.
  expect((await cy.context.request.post(`/api/chats/${channel.id}/join`)).status()).toBe(200)
  await expect(row).toContainText('3 members')

  // Ben leaves in another tab: the directory offers Join again, and counts him out.
  const otherTab = await ben.context.newPage()
  const benElsewhere = { ...ben, page: otherTab }
  await openApp(benElsewhere, `/chats/${channel.id}`)
  await otherTab.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(otherTab, 'Leave channel').click()
  await otherTab.getByRole('dialog').getByRole('button', { name: 'Leave' }).click()
  await expectHome(benElsewhere)
  await expect(row.getByRole('button', { name: `Join ${name}` })).toBeVisible()
  await expect(row).toContainText('2 members')
  await closeAll(ana, ben, cy)
})
