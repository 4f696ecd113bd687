import { expect, test } from '@playwright/test'
import { TEST_PASSWORD } from '../harness/api-client'
import { anaAndBenInDirectChat, chatList, closeAll, composer, createDirectChat, createGroupChat, messageLog, messageRows, openApp, postMessage, send, signUpPerson } from './chat-helpers'

test('a direct chat works both ways, live', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  await openApp(ben)

  // Ana finds Ben in the people directory and writes to him.
  await openApp(ana, '/people')
  await ana.page.getByRole('textbox', { name: 'Search people' }).fill(ben.username)
  // The search is debounced: until its answer the list still shows every Ben signed up so far.
  const people = ana.page.getByRole('list', { name: 'People' }).getByRole('listitem')
  await expect(people).toHaveCount(1)
  await people.filter({ hasText: `@${ben.username}` }).getByRole('button', { name: 'Message Ben' }).click()
  await expect(composer(ana.page)).toBeVisible()
  // A new chat says it is empty rather than showing a blank pane.
  await expect(messageLog(ana.page)).toContainText('No messages yet')
  await send(ana.page, 'Hello Ben!')
  await expect(messageLog(ana.page)).not.toContainText('No messages yet')
  await expect(messageRows(ana.page, 'Hello Ben!')).toHaveCount(1)

  // The new chat and its message reach Ben without a reload.
  const chatWithAna = chatList(ben.page).getByRole('link', { name: /Ana/ })
  await expect(chatWithAna).toBeVisible()
  // A screen reader hears the chat's name and, as its description, what was said last and when.
  await expect(chatWithAna).toHaveAccessibleDescription(/^Hello Ben! \d{1,2}:\d{2}/)
  await chatWithAna.click()
  await expect(messageRows(ben.page, 'Hello Ben!')).toHaveCount(1)
  await send(ben.page, 'Hi Ana, good to hear from you')
  await expect(messageRows(ana.page, 'Hi Ana, good to hear from you')).toHaveCount(1)
  await expect(messageRows(ana.page, 'Hello Ben!').locator('[data-seq]')).toHaveCount(0)
  // A screen reader hears who wrote each message, which the bubble's side says to the eye.
  await expect(messageRows(ben.page, 'Hi Ana, good to hear from you')).toContainText('You: Hi Ana')
  await expect(messageRows(ana.page, 'Hi Ana, good to hear from you')).toContainText('Ben: Hi Ana')

  // Shift+Enter adds a line instead of sending.
  await composer(ana.page).fill('first line')
  await composer(ana.page).press('Shift+Enter')
  await composer(ana.page).pressSequentially('second line')
  await expect(composer(ana.page)).toHaveValue('first line\nsecond line')
  await composer(ana.page).press('Enter')
  await expect(messageRows(ben.page, 'second line')).toHaveCount(1)
  await closeAll(ana, ben)
})

test('typing shows for the other person and then goes away', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await expect(composer(ben.page)).toBeVisible()

  await composer(ben.page).pressSequentially('I am writi')
  const typingLine = ana.page.getByTestId('typing-line')
  await expect(typingLine).toHaveText('Ben is typing...', { timeout: 15_000 })
  // The server's expiresAt hides it even though Ben never sent anything.
  await expect(typingLine).toHaveText('', { timeout: 20_000 })
  await closeAll(ana, ben)
})

test('the unread badge rises with new messages and clears when the chat is opened', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  await openApp(ana, '/people')
  await openApp(ben, `/chats/${chat.id}`)

  await send(ben.page, 'one')
  await send(ben.page, 'two')
  await send(ben.page, 'three')
  const item = chatList(ana.page).getByRole('link', { name: /Ben/ })
  await expect(item.getByTestId('unread-badge')).toHaveText('3')
  // A screen reader hears what the badge counts.
  await expect(item.getByRole('status', { name: '3 unread' })).toHaveText('3')
  await expect(ana.page).toHaveTitle(/^\(3\)/)

  await item.click()
  await expect(messageRows(ana.page, 'three')).toHaveCount(1)
  await expect(ana.page.getByRole('separator', { name: 'Unread messages' })).toBeVisible()
  await expect(item.getByTestId('unread-badge')).toHaveCount(0)
  await expect(ana.page).not.toHaveTitle(/^\(/)
  // The server agrees: the chat is read.
  await expect.poll(async () => {
    const response = await ana.context.request.get(`/api/chats/${chat.id}`)
    return (await response.json()).membership.unreadCount
  }).toBe(0)
  // Ben sees that Ana read it.
  await expect(messageLog(ben.page).getByText('Seen')).toBeVisible()
  await closeAll(ana, ben)
})

test('markup in a message is shown as text and never runs', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  const hostile = '<img src=x onerror=alert(1)>'
  await send(ana.page, hostile)
  await expect(messageRows(ben.page, hostile)).toHaveCount(1)
  await expect(messageLog(ben.page).locator('img')).toHaveCount(0)
  await expect(messageLog(ana.page).locator('img')).toHaveCount(0)
  // The chat list preview is text too.
  await expect(chatList(ben.page).getByText(hostile)).toBeVisible()
  expect(ana.dialogs).toEqual([])
  expect(ben.dialogs).toEqual([])
  await closeAll(ana, ben)
})

test('"Seen" under the last message survives a reload, in direct chats and groups', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const direct = await createDirectChat(ana, ben)
  const group = await createGroupChat(ana, 'Seen club', [ben])
  await postMessage(ana, direct.id, 'Did you see this?')
  await postMessage(ana, group.id, 'And this one?')

  // Ben reads both (opening a chat reads what is on screen).
  for (const [chat, text] of [[direct, 'Did you see this?'], [group, 'And this one?']] as const) {
    await openApp(ben, `/chats/${chat.id}`)
    await expect(messageRows(ben.page, text)).toHaveCount(1)
    await expect.poll(async () => (await (await ben.context.request.get(`/api/chats/${chat.id}`)).json()).membership.unreadCount).toBe(0)
  }
  await ben.context.close()

  // Ana was not there to get the live receipts: she learns them on opening the chats.
  await openApp(ana, `/chats/${direct.id}`)
  await expect(messageRows(ana.page, 'Did you see this?')).toHaveCount(1)
  await expect(messageLog(ana.page).getByText('Seen', { exact: true })).toBeVisible()
  await ana.page.reload()
  await expect(messageRows(ana.page, 'Did you see this?')).toHaveCount(1)
  await expect(messageLog(ana.page).getByText('Seen', { exact: true })).toBeVisible()

  await ana.page.goto(`/chats/${group.id}`)
  await expect(messageRows(ana.page, 'And this one?')).toHaveCount(1)
  await expect(messageLog(ana.page).getByText('Seen by Ben')).toBeVisible()
  await ana.page.reload()
  await expect(messageLog(ana.page).getByText('Seen by Ben')).toBeVisible()
  await closeAll(ana)
})

test('a new display name reaches the other person live: the chat list, the header and the tab title', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  await postMessage(ben, chat.id, 'Call me Benjamin from now on')
  await expect(messageRows(ana.page, 'Call me Benjamin from now on')).toHaveCount(1)

  expect((await ben.context.request.patch('/api/users/me', { data: { displayName: 'Benjamin' } })).status()).toBe(200)
  await expect(chatList(ana.page).getByRole('link', { name: /^Benjamin/ })).toBeVisible()
  await expect(ana.page.getByRole('heading', { name: 'Benjamin' })).toBeVisible()
  await expect(ana.page).toHaveTitle(/Benjamin/)
  // Ben's own app shows it too, in his account menu.
  await ben.page.getByRole('button', { name: 'Account menu' }).click()
  await expect(ben.page.locator('.v-overlay--active')).toContainText('Benjamin')
  await closeAll(ana, ben)
})

test('when the other person deletes their account, the open chat shows "Deleted user", offline, at once, and sends nothing more', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  await postMessage(ben, chat.id, 'I am leaving Parley')
  await expect(messageRows(ana.page, 'I am leaving Parley')).toHaveCount(1)
  const header = ana.page.locator('.chat-header')
  await expect(header.getByRole('heading')).toHaveText('Ben')
  await expect(header).toContainText('online')

  expect((await ben.context.request.delete('/api/users/me', { data: { password: TEST_PASSWORD } })).status()).toBe(204)
  // Ana's open app says so without a reload: the header, the chat list, the message's sender.
  await expect(header.getByRole('heading')).toHaveText('Deleted user')
  await expect(header).toContainText('offline')
  await expect(header).not.toContainText('online')
  await expect(chatList(ana.page).getByRole('link', { name: /^Deleted user/ })).toBeVisible()
  // Nobody reads this chat any more: a message is refused, and says why.
  await send(ana.page, 'Are you still there?')
  await expect(messageRows(ana.page, 'Are you still there?')).toContainText('This account was deleted: nobody reads this chat any more.')
  await closeAll(ana, ben)
})

test('the people directory says when someone was last seen as they come and go, and the time goes on', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  await createDirectChat(ana, ben)
  // Ana's clock runs as the wall clock does, until the test moves it on.
  await ana.page.clock.install()
  await openApp(ana, '/people')
  await ana.page.getByRole('textbox', { name: 'Search people' }).fill(ben.username)
  const row = ana.page.getByRole('list', { name: 'People' }).getByRole('listitem').filter({ hasText: `@${ben.username}` })
  // Ben has never had the app open.
  await expect(row).toContainText(`@${ben.username} · offline`)

  await openApp(ben)
  await expect(row).toContainText(`@${ben.username} · online`)
  await ben.page.close()
  // He just left: the directory says so, as the chat's header does, not what the page fetched.
  await expect(row).toContainText(`@${ben.username} · last seen just now`)

  await ana.page.clock.fastForward('05:00')
  await expect(row).toContainText(`@${ben.username} · last seen 5 minutes ago`)
  await closeAll(ana, ben)
})
