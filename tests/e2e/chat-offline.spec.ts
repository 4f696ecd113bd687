import { expect, test } from '@playwright/test'
import { anaAndBenInDirectChat, chatList, closeAll, composer, createChannel, createDirectChat, createGroupChat, menuItem, messageLog, messageRows, openApp, postMessage, send, signUpPerson, type Person } from './chat-helpers'

/** How many stored messages of the chat say `content`, as `person` reads the history. */
async function storedCount(person: Person, chatId: string, content: string): Promise<number> {
  const history = await (await person.context.request.get(`/api/chats/${chatId}/messages`)).json()
  return history.items.filter((m: { content: string }) => m.content === content).length
}

test('a message sent while offline waits as pending and is delivered once back online', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  await expect(composer(ana.page)).toBeVisible()

  await ana.context.setOffline(true)
  await send(ana.page, 'Written in a tunnel')
  const pending = messageLog(ana.page).locator('[data-client-id]').filter({ hasText: 'Written in a tunnel' })
  await expect(pending).toHaveCount(1)
  await expect(pending).toContainText('Sending')
  await expect(ana.page.getByText('Reconnecting...')).toBeVisible()

  await ana.context.setOffline(false)
  await expect(messageRows(ben.page, 'Written in a tunnel')).toHaveCount(1)
  await expect(messageLog(ana.page).locator('[data-seq]').filter({ hasText: 'Written in a tunnel' })).toHaveCount(1)
  await expect(pending).toHaveCount(0)
  await expect(ana.page.getByText('Reconnecting...')).toHaveCount(0)

  // Exactly once on the server, too.
  expect(await storedCount(ben, chat.id, 'Written in a tunnel')).toBe(1)
  await closeAll(ana, ben)
})

test('an edit saved while offline is not thrown away: it stays in the composer with its words, and saves once back online', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await send(ana.page, 'Meet at the statoin')
  await expect(messageRows(ben.page, 'Meet at the statoin')).toHaveCount(1)

  await ana.context.setOffline(true)
  await messageRows(ana.page, 'Meet at the statoin').hover()
  await messageRows(ana.page, 'Meet at the statoin').getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Edit').click()
  await composer(ana.page).fill('Meet at the station, platform 4')
  await composer(ana.page).press('Enter')

  // The failure is said, and the words typed are still there, ready to save again.
  await expect(ana.page.getByText('Cannot reach the server. Check your connection.')).toBeVisible()
  await expect(composer(ana.page)).toHaveValue('Meet at the station, platform 4')
  await expect(ana.page.getByText('Editing message')).toBeVisible()
  await expect(messageRows(ana.page, 'Meet at the statoin')).toHaveCount(1)

  await ana.context.setOffline(false)
  await expect(ana.page.getByText('Reconnecting...')).toHaveCount(0)
  await composer(ana.page).press('Enter')
  await expect(messageRows(ben.page, 'Meet at the station, platform 4')).toHaveCount(1)
  await expect(ana.page.getByText('Editing message')).toHaveCount(0)
  await expect(composer(ana.page)).toHaveValue('')
  await closeAll(ana, ben)
})

test('a pending message survives a reload and is delivered once', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  await expect(composer(ana.page)).toBeVisible()

  // The send never reaches the server: the message stays in the browser's outbox.
  await ana.page.route('**/api/chats/*/messages', route => route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback())
  await send(ana.page, 'Before the reload')
  await expect(messageLog(ana.page).locator('[data-client-id]').filter({ hasText: 'Before the reload' })).toHaveCount(1)
  await ana.page.unroute('**/api/chats/*/messages')

  await ana.page.reload()
  await expect(messageRows(ben.page, 'Before the reload')).toHaveCount(1)
  await expect(messageLog(ana.page).locator('[data-seq]').filter({ hasText: 'Before the reload' })).toHaveCount(1)
  await expect(messageLog(ana.page).locator('[data-client-id]')).toHaveCount(0)
  expect(await storedCount(ben, chat.id, 'Before the reload')).toBe(1)
  await closeAll(ana, ben)
})

test('after reconnecting, what was missed (a new message, an edit, a delete) arrives without a reload', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  const post = async (content: string) => (await (await ben.context.request.post(`/api/chats/${chat.id}/messages`, { data: { content } })).json()) as { id: string }
  const typo = await post('Meet at the statoin')
  const doomed = await post('Bring an umbrella')
  await openApp(ana, `/chats/${chat.id}`)
  await expect(messageRows(ana.page, 'Bring an umbrella')).toHaveCount(1)
  await ana.page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true
  })

  await ana.context.setOffline(true)
  await expect(ana.page.getByText('Reconnecting...')).toBeVisible()
  expect((await ben.context.request.patch(`/api/messages/${typo.id}`, { data: { content: 'Meet at the station' } })).status()).toBe(200)
  expect((await ben.context.request.delete(`/api/messages/${doomed.id}`)).status()).toBe(204)
  await post('Running 5 minutes late')

  await ana.context.setOffline(false)
  await expect(messageRows(ana.page, 'Running 5 minutes late')).toHaveCount(1)
  await expect(messageRows(ana.page, 'Meet at the station')).toContainText('edited')
  await expect(messageRows(ana.page, 'Bring an umbrella')).toHaveCount(0)
  await expect(messageLog(ana.page).getByText('This message was deleted')).toHaveCount(1)
  expect(await ana.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
  await closeAll(ana, ben)
})

test('what was missed while away arrives even when a live message comes first, during the chat list reload', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  const post = async (content: string) => expect((await ben.context.request.post(`/api/chats/${chat.id}/messages`, { data: { content } })).status()).toBe(201)
  await post('Before the tunnel')
  await expect(messageRows(ana.page, 'Before the tunnel')).toHaveCount(1)

  await ana.context.setOffline(true)
  await expect(ana.page.getByText('Reconnecting...')).toBeVisible()
  await post('Said while Ana was away')

  // Ana's network is slow: the chat list she reloads on reconnecting takes its time, and
  // Ben's next message reaches her live before it, above the one she missed.
  let releaseList!: () => void
  const listHeld = new Promise<void>((resolve) => {
    releaseList = resolve
  })
  await ana.page.route(url => url.pathname === '/api/chats', async (route) => {
    await listHeld
    await route.fallback()
  })
  await ana.context.setOffline(false)
  await expect(ana.page.getByText('Reconnecting...')).toHaveCount(0)
  await post('Said once she was back')
  await expect(messageRows(ana.page, 'Said once she was back')).toHaveCount(1)
  releaseList()

  await expect(messageRows(ana.page, 'Said while Ana was away')).toHaveCount(1)
  await expect(messageLog(ana.page).locator('[data-seq]')).toHaveText([/Before the tunnel/, /Said while Ana was away/, /Said once she was back/])
  await closeAll(ana, ben)
})

test('a chat that cannot be loaded says so and offers to try again; a link with no chat in it says the chat is not available', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  // A channel Ana is not in: nothing of it is held before its link is opened.
  const channel = await createChannel(ben, `walks-${ana.username}`, [])
  const theChat = (url: URL) => url.pathname === `/api/chats/${channel.id}`
  await ana.page.route(theChat, route => route.abort('internetdisconnected'))
  await openApp(ana, `/chats/${channel.id}`)
  await expect(ana.page.getByRole('alert').filter({ hasText: 'This chat could not be loaded' })).toBeVisible()

  await ana.page.unroute(theChat)
  await ana.page.getByRole('button', { name: 'Try again' }).click()
  await expect(ana.page.getByRole('button', { name: 'Join channel' })).toBeVisible()

  await openApp(ana, '/chats/not-a-chat')
  await expect(ana.page.getByRole('heading', { name: 'This chat is not available' })).toBeVisible()
  await closeAll(ana, ben)
})

test('a chat of the list opened while offline says it could not be loaded, then loads by itself once back online, live after', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  await postMessage(ben, chat.id, 'Written before Ana opened it')
  // Ana is in another chat (the app's code for a chat is loaded; a page never loaded offline
  // cannot be, see docs/ui.md "Known limits").
  const other = await createGroupChat(ana, 'Elsewhere', [ben])
  await openApp(ana, `/chats/${other.id}`)
  const item = chatList(ana.page).getByRole('link', { name: /Ben/ })
  await expect(item).toBeVisible()

  await ana.context.setOffline(true)
  await item.click()
  await expect(ana.page.getByRole('alert').filter({ hasText: 'This chat could not be loaded' })).toBeVisible()
  await expect(ana.page.getByText('this is the beginning of the conversation')).toHaveCount(0)

  await ana.context.setOffline(false)
  await expect(messageRows(ana.page, 'Written before Ana opened it')).toBeVisible()
  await postMessage(ben, chat.id, 'And this one live')
  await expect(messageRows(ana.page, 'And this one live')).toBeVisible()
  await closeAll(ana, ben)
})

test('a channel\'s link opened by someone not in it shows its messages and Join, and catches up after reconnecting', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const channel = await createChannel(ana, `ridge-${ben.username}`, [])
  const post = async (content: string) => expect((await ana.context.request.post(`/api/chats/${channel.id}/messages`, { data: { content } })).status()).toBe(201)
  await post('Trail report: the ridge is open')
  await openApp(ben, `/chats/${channel.id}`)
  await expect(messageRows(ben.page, 'Trail report: the ridge is open')).toHaveCount(1)
  await expect(ben.page.getByRole('button', { name: 'Join channel' })).toBeVisible()

  await ben.context.setOffline(true)
  await expect(ben.page.getByText('Reconnecting...')).toBeVisible()
  await post('Update: snow on the north side')
  await ben.context.setOffline(false)
  await expect(messageRows(ben.page, 'Update: snow on the north side')).toHaveCount(1)
  await expect(messageRows(ben.page, 'Trail report: the ridge is open')).toHaveCount(1)
  await ben.page.getByRole('button', { name: 'Join channel' }).click()
  await expect(composer(ben.page)).toBeVisible()
  await closeAll(ana, ben)
})

test('offline, a page of the app not opened before never leaves the app for the browser\'s offline page; back online it opens', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  await openApp(ana, '/')
  await ana.context.setOffline(true)
  await ana.page.getByRole('button', { name: 'Account menu' }).click()
  await menuItem(ana.page, 'Settings').click()

  // Either its code was loaded ahead and Settings opens, or Ana stays where she was and is
  // told why: the app is still there either way (the old build reloaded into Chromium's error page).
  const settings = ana.page.getByRole('heading', { name: 'Settings', level: 1 })
  const told = ana.page.getByText('This page cannot open without a connection yet.')
  await expect(settings.or(told)).toBeVisible()
  await expect(ana.page.getByRole('link', { name: 'Parley' })).toBeVisible()

  await ana.context.setOffline(false)
  await expect(ana.page.getByText('Reconnecting...')).toHaveCount(0)
  if (!(await settings.isVisible())) {
    await ana.page.getByRole('button', { name: 'Account menu' }).click()
    await menuItem(ana.page, 'Settings').click()
  }
  await expect(settings).toBeVisible()
  await closeAll(ana)
})
