import { expect, test, type Browser } from '@playwright/test'
import type { Message } from '#shared/types/api'
import { chatList, closeAll, createChannel, createDirectChat, createGroupChat, messageLog, messageRows, openApp, postMessage, send, signUpPerson, type Person } from './chat-helpers'

test('a refused message offers Retry, which resends it once with its clientId, and Discard, which forgets it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Hiking crew', [ana])

  // Ana's socket passes through a relay that holds back what the server says until the
  // end, so the news of her removal reaches her only after she has written (as when it is
  // still on its way). Held from the start: a `ready` let through would read her chat list
  // again, and one read after the removal tells her of it at once (chat-reconnect.spec.ts).
  let relayPaused = true
  await ana.page.routeWebSocket(/\/ws(?:\?|$)/, (socket) => {
    const server = socket.connectToServer()
    socket.onMessage(frame => server.send(frame))
    server.onMessage((frame) => {
      if (!relayPaused) socket.send(frame)
    })
  })
  await postMessage(ben, group.id, 'Meet at the trailhead')
  await openApp(ana, `/chats/${group.id}`)
  // Ana has the chat in front of her, its history shown: the heading alone comes before the
  // history's request, which a removal answered first would turn into "not available".
  await expect(ana.page.getByRole('heading', { name: 'Hiking crew' })).toBeVisible()
  await expect(messageRows(ana.page, 'Meet at the trailhead')).toBeVisible()
  await expect(chatList(ana.page).getByRole('link', { name: /Hiking crew/ })).toBeVisible()

  expect((await ben.context.request.delete(`/api/chats/${group.id}/members/${ana.id}`)).status()).toBe(204)
  await send(ana.page, 'Wait for me at the top')
  await send(ana.page, 'Never mind, go ahead')
  const retried = messageLog(ana.page).locator('[data-client-id]').filter({ hasText: 'Wait for me at the top' })
  const discarded = messageLog(ana.page).locator('[data-client-id]').filter({ hasText: 'Never mind, go ahead' })
  for (const failed of [retried, discarded]) {
    await expect(failed).toHaveAttribute('data-status', 'failed')
    await expect(failed.getByRole('alert')).toContainText('Not sent')
  }
  const clientId = await retried.getAttribute('data-client-id')

  // Ben adds her back; Retry delivers the message, once, with the clientId it was written with.
  expect((await ben.context.request.post(`/api/chats/${group.id}/members`, { data: { userIds: [ana.id] } })).status()).toBe(200)
  await retried.getByRole('button', { name: 'Retry' }).click()
  await expect(messageLog(ana.page).locator('[data-seq]').filter({ hasText: 'Wait for me at the top' })).toHaveCount(1)
  await expect(retried).toHaveCount(0)
  const history = async () => ((await (await ben.context.request.get(`/api/chats/${group.id}/messages`)).json()) as { items: Message[] }).items
  await expect.poll(async () => (await history()).filter(message => message.content === 'Wait for me at the top').map(message => message.clientId)).toEqual([clientId])

  // Discard removes the other, and it stays gone after a reload; the server never had it.
  await discarded.getByRole('button', { name: 'Discard' }).click()
  await expect(discarded).toHaveCount(0)
  relayPaused = false
  await ana.page.reload()
  await expect(messageRows(ana.page, 'Wait for me at the top')).toHaveCount(1)
  await expect(messageRows(ana.page, 'Never mind, go ahead')).toHaveCount(0)
  expect((await history()).some(message => message.content === 'Never mind, go ahead')).toBe(false)
  await closeAll(ana, ben)
})

// Removed from a group before messages written there were sent, the person is told, and
// their words are not lost (docs/ui.md, "Messages not sent to a chat the person left").
async function removedWithUnsent(ana: Person, groupName: string, words = ['offline one', 'offline two']) {
  const count = words.length === 1 ? 'A message you wrote there was' : `${words.length} messages you wrote there were`
  const notice = ana.page.getByText(`You are no longer a member of ${groupName}. ${count} not sent.`)
  await expect(notice).toBeVisible()
  await expect(ana.page).toHaveURL(/\/$/)
  await ana.page.getByRole('button', { name: 'Copy', exact: true }).click()
  expect(await ana.page.evaluate(() => navigator.clipboard.readText())).toBe(words.join('\n\n'))
  await expect(ana.page.getByText(words.length === 1 ? 'Copied the message.' : `Copied the ${words.length} messages.`)).toBeVisible()
  // Copied, they are not kept in the browser for ever, out of sight.
  await expect.poll(() => ana.page.evaluate(id => [localStorage.getItem(`parley:outbox:${id}`), localStorage.getItem(`parley:not-sent:${id}`)], ana.id)).toEqual([null, null])
}

/** Ana, in Ben's group "Hiking crew", opens it, goes offline and writes two messages there; Ben removes her. */
async function removedWhileOffline(browser: Browser, baseURL: string | undefined) {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Hiking crew', [ana])
  await postMessage(ben, group.id, 'Meet at the trailhead')
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  await openApp(ana, `/chats/${group.id}`)
  await expect(messageRows(ana.page, 'Meet at the trailhead')).toBeVisible()

  await ana.context.setOffline(true)
  await send(ana.page, 'offline one')
  await send(ana.page, 'offline two')
  for (const text of ['offline one', 'offline two']) await expect(messageRows(ana.page, text)).toContainText('Sending')
  expect((await ben.context.request.delete(`/api/chats/${group.id}/members/${ana.id}`)).status()).toBe(204)
  return { ana, ben }
}

test('removed from a group while offline with two messages still to send: back online, the person is told they were not sent and can copy their words', async ({ browser, baseURL }) => {
  const { ana, ben } = await removedWhileOffline(browser, baseURL)
  await ana.context.setOffline(false)

  await removedWithUnsent(ana, 'Hiking crew')
  await closeAll(ana, ben)
})

test('the not-sent notice and its words survive a reload until the person copies them', async ({ browser, baseURL }) => {
  const { ana, ben } = await removedWhileOffline(browser, baseURL)
  await ana.context.setOffline(false)
  await expect(ana.page.getByText('You are no longer a member of Hiking crew. 2 messages you wrote there were not sent.')).toBeVisible()

  await ana.page.reload()
  await removedWithUnsent(ana, 'Hiking crew')
  await closeAll(ana, ben)
})

test('removed just after a message reached the server, its answer lost: the notice counts only the message the server never took', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Hiking crew', [ana])
  await postMessage(ben, group.id, 'Meet at the trailhead')
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  // The link drops right after Ana's first send reaches the server: neither its answer nor
  // the socket's news of it come back to her.
  await ana.page.routeWebSocket(/\/ws(?:\?|$)/, (socket) => {
    const server = socket.connectToServer()
    socket.onMessage(frame => server.send(frame))
    server.onMessage((frame) => {
      if (typeof frame === 'string' && frame.includes('"message.created"') && frame.includes('Reached the server')) return
      socket.send(frame)
    })
  })
  let firstSend = true
  let reachedServer: () => void = () => {}
  const reached = new Promise<void>((resolve) => {
    reachedServer = resolve
  })
  let loseAnswer: () => void = () => {}
  const answerLost = new Promise<void>((resolve) => {
    loseAnswer = resolve
  })
  await ana.page.route(`**/api/chats/${group.id}/messages`, async (route) => {
    if (route.request().method() !== 'POST' || !firstSend) return route.fallback()
    firstSend = false
    await route.fetch()
    reachedServer()
    await answerLost
    await route.abort('connectionreset')
  })
  await openApp(ana, `/chats/${group.id}`)
  await expect(messageRows(ana.page, 'Meet at the trailhead')).toBeVisible()

  await send(ana.page, 'Reached the server')
  await send(ana.page, 'Never reached it')
  await reached
  for (const text of ['Reached the server', 'Never reached it']) await expect(messageRows(ana.page, text)).toContainText('Sending')
  expect((await ben.context.request.delete(`/api/chats/${group.id}/members/${ana.id}`)).status()).toBe(204)

  await removedWithUnsent(ana, 'Hiking crew', ['Never reached it'])
  loseAnswer()
  const history = ((await (await ben.context.request.get(`/api/chats/${group.id}/messages`)).json()) as { items: Message[] }).items
  expect(history.map(message => message.content)).toEqual(['Meet at the trailhead', 'Reached the server'])
  await closeAll(ana, ben)
})

test('left a public channel while a message to it was on its way: it stays in the channel as not sent, and joining again and Retry send it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const channel = await createChannel(ben, `ridge-${ana.username}`, [ana])
  await postMessage(ben, channel.id, 'Trail report: the ridge is open')
  // Ana's first send waits (a slow link) until she has left the channel in another tab.
  const held = await holdSends(ana, channel.id)
  await openApp(ana, `/chats/${channel.id}`)
  await expect(messageRows(ana.page, 'Trail report: the ridge is open')).toBeVisible()
  await send(ana.page, 'Save me a seat')
  await expect(messageRows(ana.page, 'Save me a seat')).toContainText('Sending')

  held.stopHolding()
  expect((await ana.context.request.post(`/api/chats/${channel.id}/leave`)).status()).toBeLessThan(300)
  await expect(ana.page.getByText(`You are no longer a member of ${channel.name}.`, { exact: true })).toBeVisible()
  held.release()

  // Still a channel she can read: its failed message waits there, with Retry.
  await openApp(ana, `/chats/${channel.id}`)
  const failed = messageLog(ana.page).locator('[data-client-id]').filter({ hasText: 'Save me a seat' })
  await expect(failed.getByRole('alert')).toContainText('Join this channel first.')
  await ana.page.getByRole('button', { name: 'Join channel' }).click()
  await failed.getByRole('button', { name: 'Retry' }).click()
  await expect(messageLog(ana.page).locator('[data-seq]').filter({ hasText: 'Save me a seat' })).toHaveCount(1)
  await expect(failed).toHaveCount(0)
  await closeAll(ana, ben)
})

test('removed from the open group while two messages are on their way, the socket up: the person is told they were not sent and can copy their words', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Hiking crew', [ana])
  await postMessage(ben, group.id, 'Meet at the trailhead')
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  // Ana's sends wait (a slow link) until the test lets them go, after her removal.
  // (Only the sends before her removal: the app's one try of each after it is not held.)
  const held = await holdSends(ana, group.id)
  await openApp(ana, `/chats/${group.id}`)
  await expect(messageRows(ana.page, 'Meet at the trailhead')).toBeVisible()

  await send(ana.page, 'offline one')
  await send(ana.page, 'offline two')
  for (const text of ['offline one', 'offline two']) await expect(messageRows(ana.page, text)).toContainText('Sending')
  held.stopHolding()
  expect((await ben.context.request.delete(`/api/chats/${group.id}/members/${ana.id}`)).status()).toBe(204)

  await expect(ana.page.getByText('You are no longer a member of Hiking crew. 2 messages you wrote there were not sent.')).toBeVisible()
  held.release()
  await removedWithUnsent(ana, 'Hiking crew')
  await closeAll(ana, ben)
})

/**
 * Holds the person's sends to a chat (a slow link): each POST made while holding waits until
 * `release`; those made after `stopHolding` go at once.
 */
async function holdSends(person: Person, chatId: string) {
  let holding = true
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  await person.page.route(`**/api/chats/${chatId}/messages`, async (route) => {
    if (route.request().method() !== 'POST' || !holding) return route.fallback()
    await released
    await route.fallback()
  })
  return {
    stopHolding: () => {
      holding = false
    },
    release: () => release(),
  }
}

// Two tabs of one person share one stored outbox (docs/ui.md, "Sending"): each used to write
// its whole list over the other's, so a message queued in one tab was lost when the other
// wrote and the first was reloaded, or sent by both after one's reload.
async function anaInTwoTabs(browser: Browser, baseURL: string | undefined) {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await postMessage(ben, chat.id, 'Are you coming?')
  const tabs = [ana.page, await ana.context.newPage()]
  for (const tab of tabs) {
    await openApp({ ...ana, page: tab }, `/chats/${chat.id}`)
    await expect(messageRows(tab, 'Are you coming?')).toBeVisible()
  }
  const contents = async () => ((await (await ben.context.request.get(`/api/chats/${chat.id}/messages`)).json()) as { items: Message[] }).items.map(message => message.content)
  return { ana, ben, chat, tabs, contents }
}

test('two tabs of one person, both offline, each queue a message: back online, the other person gets both, each once', async ({ browser, baseURL }) => {
  const { ana, ben, chat, tabs: [first, second], contents } = await anaInTwoTabs(browser, baseURL)
  await ana.context.setOffline(true)
  await send(first!, 'Yes, from the laptop')
  await expect(messageRows(first!, 'Yes, from the laptop')).toContainText('Sending')
  await send(second!, 'On my way, from the other tab')
  await expect(messageRows(second!, 'On my way, from the other tab')).toContainText('Sending')
  // Both stay in the browser: the second tab's write kept the first tab's message.
  expect(await first!.evaluate(id => (JSON.parse(localStorage.getItem(`parley:outbox:${id}`) ?? '[]') as { content: string }[]).map(item => item.content).sort(), ana.id))
    .toEqual(['On my way, from the other tab', 'Yes, from the laptop'])
  await ana.context.setOffline(false)

  await openApp(ben, `/chats/${chat.id}`)
  for (const text of ['Yes, from the laptop', 'On my way, from the other tab']) {
    await expect(messageRows(ben.page, text)).toHaveCount(1)
    for (const tab of [first!, second!]) await expect(messageRows(tab, text)).toHaveCount(1)
  }
  await expect.poll(() => ana.page.evaluate(id => localStorage.getItem(`parley:outbox:${id}`), ana.id)).toBeNull()
  expect((await contents()).filter(text => text !== 'Are you coming?').sort()).toEqual(['On my way, from the other tab', 'Yes, from the laptop'])
  await closeAll(ana, ben)
})

test('a tab reloaded while another tab of the person holds a queued message loses neither tab\'s message, and each is sent once', async ({ browser, baseURL }) => {
  const { ana, ben, chat, tabs: [first, second], contents } = await anaInTwoTabs(browser, baseURL)
  // No connection for sends (the pages still load, so the first tab can be reloaded).
  const noConnection = '**/api/chats/*/messages'
  await ana.context.route(noConnection, route => route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback())
  await send(first!, 'Yes, from the laptop')
  await expect(messageRows(first!, 'Yes, from the laptop')).toContainText('Sending')
  await send(second!, 'On my way, from the other tab')
  await expect(messageRows(second!, 'On my way, from the other tab')).toContainText('Sending')

  await first!.reload()
  await expect(messageRows(first!, 'Yes, from the laptop')).toContainText('Sending')
  await ana.context.unroute(noConnection)
  // The connection comes back: the browser says so (`online`), and both tabs send at once.
  await ana.context.setOffline(true)
  await ana.context.setOffline(false)

  await openApp(ben, `/chats/${chat.id}`)
  for (const text of ['Yes, from the laptop', 'On my way, from the other tab']) await expect(messageRows(ben.page, text)).toHaveCount(1)
  await expect.poll(() => ana.page.evaluate(id => localStorage.getItem(`parley:outbox:${id}`), ana.id)).toBeNull()
  expect((await contents()).filter(text => text !== 'Are you coming?').sort()).toEqual(['On my way, from the other tab', 'Yes, from the laptop'])
  await closeAll(ana, ben)
})
