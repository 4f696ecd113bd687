import { expect, test, type Page } from '@playwright/test'
import type { Message } from '#shared/types/api'
import { TEST_PASSWORD } from '../harness/api-client'
import { openPage } from '../harness/open-page'
import { chatList, closeAll, composer, createGroupChat, messageLog, messageRows, send, signUpPerson } from './chat-helpers'

// One browser, two tabs: the auth cookies are the browser's, the person shown is each tab's.
// A sign-in as another account in one tab makes the other tab that account's, saying so, and
// nothing the other tab does goes out under a name it did not show (docs/ui.md, "One account
// per browser"; the server's side: tests/api/expected-user.test.ts).

async function logIn(page: Page, username: string) {
  await page.getByLabel('Username or email').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(chatList(page)).toBeVisible()
}

test('signing in as Ana in another tab makes Ben\'s tab Ana\'s, and it says so', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Hiking crew', [ana])
  await createGroupChat(ben, 'Only Ben and his notes', [])
  const context = await browser.newContext({ baseURL })
  const [first, second] = [await context.newPage(), await context.newPage()]
  await openPage(first, '/login')
  await openPage(second, '/login')

  await logIn(first, ben.username)
  await chatList(first).getByText('Hiking crew').click()
  await expect(messageLog(first)).toBeVisible()
  await logIn(second, ana.username)

  await first.bringToFront()
  await expect(first.getByText('You signed in as Ana in another tab.')).toBeVisible()
  // Ana's chats now, from Home: Ben's own group is gone, and so is his open conversation.
  await expect(first).toHaveURL(/\/$/)
  await expect(chatList(first).getByText('Hiking crew')).toBeVisible()
  await expect(chatList(first).getByText('Only Ben and his notes')).toBeHidden()
  await first.getByRole('button', { name: 'Account menu' }).click()
  await expect(first.getByText(`@${ana.username}`)).toBeVisible()
  await first.keyboard.press('Escape')

  // What it sends now is Ana's, shown as hers and confirmed.
  await chatList(first).getByText('Hiking crew').click()
  await send(first, 'sent-from-the-tab-that-became-anas')
  await expect(messageRows(first, 'sent-from-the-tab-that-became-anas')).toHaveCount(1)
  await expect(messageLog(first).getByText('Sending…')).toHaveCount(0)
  const stored = await (await ana.context.request.get(`/api/chats/${group.id}/messages`)).json() as { items: Message[] }
  expect(stored.items.find(message => message.content === 'sent-from-the-tab-that-became-anas')?.sender.id).toBe(ana.id)
  await context.close()
  await closeAll(ana, ben)
})

test('a sign-in the tab was not told of: Ben\'s message is never posted as Ana, and goes as Ben once he is back', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Hiking crew', [ana])
  const context = await browser.newContext({ baseURL })
  const tab = await context.newPage()
  await openPage(tab, '/login')
  await logIn(tab, ben.username)
  await chatList(tab).getByText('Hiking crew').click()
  await expect(composer(tab)).toBeVisible()

  // Ana signs in on this browser where no tab of the app hears of it (an old version's
  // tab, one the browser had frozen): only the shared cookies change.
  expect((await context.request.post('/api/auth/login', { data: { login: ana.username, password: TEST_PASSWORD } })).status()).toBe(200)
  await send(tab, 'sent-from-bens-tab')

  await expect(tab.getByText('You signed in as Ana in another tab.')).toBeVisible()
  const asAna = await (await ana.context.request.get(`/api/chats/${group.id}/messages`)).json() as { items: Message[] }
  expect(asAna.items.map(message => message.content)).not.toContain('sent-from-bens-tab')

  // Ben signs in again: his tab takes him back, and his message, kept in his outbox, goes as his.
  expect((await context.request.post('/api/auth/login', { data: { login: ben.username, password: TEST_PASSWORD } })).status()).toBe(200)
  await openPage(tab, `/chats/${group.id}`)
  await expect(messageRows(tab, 'sent-from-bens-tab')).toHaveCount(1)
  await expect(messageLog(tab).getByText('Sending…')).toHaveCount(0)
  const stored = await (await ben.context.request.get(`/api/chats/${group.id}/messages`)).json() as { items: Message[] }
  expect(stored.items.filter(message => message.content === 'sent-from-bens-tab').map(message => message.sender.id)).toEqual([ben.id])
  await context.close()
  await closeAll(ana, ben)
})
