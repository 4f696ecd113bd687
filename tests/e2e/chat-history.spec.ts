import { expect, test } from '@playwright/test'
import { chatList, closeAll, createDirectChat, createGroupChat, hideableTab, messageLog, messageRows, openApp, postMessage, send, signUpPerson, type Person } from './chat-helpers'

const label = (n: number) => `Message ${String(n).padStart(3, '0')}`

/** How far the server says `person` has read the chat (their membership's lastReadSeq). */
async function readPositionOf(person: Person, chatId: string): Promise<number> {
  return (await (await person.context.request.get(`/api/chats/${chatId}`)).json() as { membership: { lastReadSeq: number } }).membership.lastReadSeq
}

test('older history loads on scrolling up without moving the view, and a search result opens at its message', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  for (let n = 1; n <= 80; n++) await postMessage(ben, chat.id, label(n))
  // Ana has read it all, so the chat opens at the end rather than at an unread divider.
  expect((await ana.context.request.post(`/api/chats/${chat.id}/read`, { data: { seq: 80 } })).status()).toBe(204)

  await openApp(ana, `/chats/${chat.id}`)
  await expect(messageRows(ana.page, label(80))).toBeInViewport()
  // The first page is the latest 50.
  await expect(messageRows(ana.page, label(31))).toHaveCount(1)
  await expect(messageRows(ana.page, label(30))).toHaveCount(0)

  await messageLog(ana.page).evaluate((element) => {
    element.scrollTop = 0
  })
  await expect(messageRows(ana.page, label(1))).toHaveCount(1)
  // The message that was at the top is still on screen: the view did not jump.
  await expect(messageRows(ana.page, label(31))).toBeInViewport()
  await expect(ana.page.getByText('This is the beginning of the conversation.')).toHaveCount(1)

  // Jump to latest brings the end back.
  await ana.page.getByRole('button', { name: 'Jump to latest' }).click()
  await expect(messageRows(ana.page, label(80))).toBeInViewport()

  // Search from the app bar; the result opens the chat around that message.
  await openApp(ana, '/people')
  await ana.page.getByRole('button', { name: 'Search messages' }).click()
  await ana.page.getByRole('dialog').getByRole('textbox', { name: 'Search' }).fill(label(7))
  await ana.page.getByRole('dialog').getByText(label(7)).click()
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${chat.id}\\?around=7$`))
  const found = messageRows(ana.page, label(7))
  await expect(found).toBeInViewport()
  await expect(found).toHaveClass(/message--highlighted/)

  // Scrolled away, the same result opened again shows it again (the address stays the same).
  await messageLog(ana.page).evaluate((element) => {
    element.scrollTop = element.scrollHeight
  })
  await expect(found).not.toBeInViewport()
  await ana.page.getByRole('button', { name: 'Search messages' }).first().click()
  await ana.page.getByRole('dialog').getByRole('textbox', { name: 'Search' }).fill(label(7))
  await ana.page.getByRole('dialog').getByText(label(7)).click()
  await expect(found).toBeInViewport()
  await closeAll(ana, ben)
})

test('a chat opens at its unread divider and reads only what was on screen; the rest is read on reaching it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  for (let n = 1; n <= 40; n++) await postMessage(ben, chat.id, label(n))
  await openApp(ben, `/chats/${chat.id}`)
  const lastReadSeq = () => readPositionOf(ana, chat.id)

  await openApp(ana, `/chats/${chat.id}`)
  await expect(ana.page.getByText('Unread messages')).toBeInViewport()
  await expect(messageRows(ana.page, label(1))).toBeInViewport()
  await expect(messageRows(ana.page, label(40))).not.toBeInViewport()
  // Only the log scrolls: the page itself is the window's height, its header in view.
  expect(await ana.page.evaluate(() => document.scrollingElement!.scrollHeight)).toBe(ana.page.viewportSize()!.height)
  await expect(ana.page.getByRole('button', { name: 'Chat options' })).toBeInViewport()
  // What Ana has on screen is read; the messages below it are not, and Ben is not told they were seen.
  await expect.poll(lastReadSeq).toBeGreaterThan(0)
  expect(await lastReadSeq()).toBeLessThan(40)
  await expect(messageLog(ben.page).getByText('Seen', { exact: true })).toHaveCount(0)

  await ana.page.getByRole('button', { name: 'Jump to latest' }).click()
  await expect(messageRows(ana.page, label(40))).toBeInViewport()
  await expect.poll(lastReadSeq).toBe(40)
  await expect(messageLog(ben.page).getByText('Seen', { exact: true })).toBeVisible()
  await closeAll(ana, ben)
})

test('a chat with more unread than a page opens at the first unread, and only what was on screen is read', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const dee = await signUpPerson(browser, baseURL, 'Dee')
  const group = await createGroupChat(dee, 'Busy group', [ana])
  await postMessage(dee, group.id, 'Read before you left')
  expect((await ana.context.request.post(`/api/chats/${group.id}/read`, { data: { seq: 1 } })).status()).toBe(204)
  // Dee writes 130 messages while Ana is away; the 30th mentions her (far below one screenful).
  for (let n = 1; n <= 130; n++) await postMessage(dee, group.id, n === 30 ? `@${ana.username} ${label(n)} is for you` : label(n))
  const lastReadSeq = () => readPositionOf(ana, group.id)

  // Her other tab shows the chat list (beside the people directory) while she reads.
  const otherTab = await ana.context.newPage()
  await otherTab.goto('/people')
  const listed = chatList(otherTab).locator(`[data-chat-id="${group.id}"]`)
  await expect(listed).toHaveAttribute('aria-label', /130 unread.*1 mention/)

  // A fresh page load, then the chat clicked in the list: nothing of its history is held yet.
  await openApp(ana, '/people')
  await chatList(ana.page).locator(`[data-chat-id="${group.id}"]`).click()
  const divider = ana.page.getByText('Unread messages')
  await expect(divider).toBeInViewport()
  await expect(messageRows(ana.page, label(1))).toBeInViewport()
  // The divider sits between what was read and the first unread.
  const [before, line, first] = await Promise.all([messageRows(ana.page, 'Read before you left').boundingBox(), divider.boundingBox(), messageRows(ana.page, label(1)).boundingBox()])
  expect(before!.y).toBeLessThan(line!.y)
  expect(line!.y).toBeLessThan(first!.y)
  await expect(ana.page.getByRole('button', { name: 'Jump to latest' })).toBeVisible()
  await expect(ana.page.getByTestId('next-mention')).toBeVisible()

  // Read is what was on screen: the last message counted read is in view, the mention is not.
  await expect.poll(lastReadSeq).toBeGreaterThan(1)
  const read = await lastReadSeq()
  expect(read).toBeLessThan(31)
  await expect(messageRows(ana.page, label(read - 1))).toBeInViewport()
  await expect(listed).toHaveAttribute('aria-label', new RegExp(`${131 - read} unread.*1 mention`))

  // The mention, once on screen, is read.
  await ana.page.getByTestId('next-mention').click()
  await expect(messageLog(ana.page).locator('[data-mentions-me]')).toBeInViewport()
  await expect(listed.getByTestId('mention-badge')).toHaveCount(0)

  // Scrolled to the end of what is loaded, the next page comes below without moving her view.
  await messageLog(ana.page).evaluate((element) => {
    element.scrollTop = element.scrollHeight
  })
  await expect(messageRows(ana.page, label(60))).toHaveCount(1)
  await expect(messageRows(ana.page, label(49))).toBeInViewport()
  await expect(messageRows(ana.page, label(60))).not.toBeInViewport()
  expect(await lastReadSeq()).toBeLessThan(60)

  // Jump to latest: she chose to skip the rest, and the chat is read to its end.
  await ana.page.getByRole('button', { name: 'Jump to latest' }).click()
  await expect(messageRows(ana.page, label(130))).toBeInViewport()
  await expect.poll(lastReadSeq).toBe(131)
  await expect(listed).not.toHaveAttribute('aria-label', /unread/)
  await closeAll(ana, dee)
})

test('a reader scrolled up stays where they are when an older message is reacted to, even when their own message is the last', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  const posted: { id: string }[] = []
  for (let n = 1; n <= 40; n++) posted.push(await (await ben.context.request.post(`/api/chats/${chat.id}/messages`, { data: { content: label(n) } })).json())
  await postMessage(ana, chat.id, 'My answer comes last')
  expect((await ana.context.request.post(`/api/chats/${chat.id}/read`, { data: { seq: 41 } })).status()).toBe(204)

  await openApp(ana, `/chats/${chat.id}`)
  await expect(messageRows(ana.page, 'My answer comes last')).toBeInViewport()
  await messageLog(ana.page).evaluate((element) => {
    element.scrollTop = 0
  })
  await expect(messageRows(ana.page, label(1))).toBeInViewport()

  // Ben reacts to the first message, which Ana is looking at.
  expect((await ben.context.request.put(`/api/messages/${posted[0]!.id}/reactions/${encodeURIComponent('👍')}`)).status()).toBe(200)
  await expect(messageRows(ana.page, label(1)).getByRole('button', { name: '👍 1' })).toBeVisible()
  await expect(messageRows(ana.page, label(1))).toBeInViewport()
  await expect(messageRows(ana.page, 'My answer comes last')).not.toBeInViewport()
  await closeAll(ana, ben)
})

test('a reader scrolled up stays where they are when their own account sends from another device; a send from this tab goes to the end', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ana, 'History', [ben])
  for (let n = 1; n < 45; n++) await postMessage(ben, group.id, label(n))
  const last = await (await ben.context.request.post(`/api/chats/${group.id}/messages`, { data: { content: label(45) } })).json() as { seq: number }
  expect((await ana.context.request.post(`/api/chats/${group.id}/read`, { data: { seq: last.seq } })).status()).toBe(204)

  await openApp(ana, `/chats/${group.id}`)
  await expect(messageRows(ana.page, label(45))).toBeInViewport()
  await messageLog(ana.page).evaluate((element) => {
    element.scrollTop = 0
  })
  await expect(messageRows(ana.page, label(1))).toBeInViewport()

  // Ana's phone (her account, not this tab) sends: she reads on where she was, and the
  // message is counted under Jump to latest, as a colleague's would be.
  await postMessage(ana, group.id, 'Sent from my phone')
  const jump = ana.page.getByRole('button', { name: 'Jump to latest' })
  await expect(jump).toHaveText(/Jump to latest\s*1/)
  await expect(messageRows(ana.page, label(1))).toBeInViewport()
  await expect(messageRows(ana.page, 'Sent from my phone')).not.toBeInViewport()

  // What she sends from this tab she sees arrive at the end.
  await send(ana.page, 'Sent from my laptop')
  await expect(messageRows(ana.page, 'Sent from my laptop')).toBeInViewport()
  await expect(jump).toBeHidden()
  await closeAll(ana, ben)
})

test('messages that come while the tab is hidden wait under an unread divider, and are read only as far as the reader sees on return', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  await postMessage(ben, chat.id, 'Before you went away')
  const lastReadSeq = () => readPositionOf(ana, chat.id)
  expect((await ana.context.request.post(`/api/chats/${chat.id}/read`, { data: { seq: 1 } })).status()).toBe(204)
  const tab = await hideableTab(ana)
  await openApp(ana, `/chats/${chat.id}`)
  await expect(messageRows(ana.page, 'Before you went away')).toBeVisible()
  await expect(ana.page.getByText('Unread messages')).toHaveCount(0)

  // Ana switches to another tab; Ben writes more than a screenful.
  await tab.setHidden(true)
  for (let n = 1; n <= 40; n++) await postMessage(ben, chat.id, label(n))
  await expect(messageRows(ana.page, label(40))).toHaveCount(1)
  expect(await lastReadSeq()).toBe(1)

  // Back, she finds the divider where she left off and the first new message under it.
  await tab.setHidden(false)
  await expect(ana.page.getByText('Unread messages')).toBeInViewport()
  await expect(messageRows(ana.page, label(1))).toBeInViewport()
  await expect(messageRows(ana.page, label(40))).not.toBeInViewport()
  await expect.poll(lastReadSeq).toBeGreaterThan(1)
  expect(await lastReadSeq()).toBeLessThan(41)
  await closeAll(ana, ben)
})

test('a phone unlocked before its network is back: what came while it was locked waits under the unread divider, not read unseen', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  await postMessage(ben, chat.id, 'Before you locked the phone')
  const lastReadSeq = () => readPositionOf(ana, chat.id)
  expect((await ana.context.request.post(`/api/chats/${chat.id}/read`, { data: { seq: 1 } })).status()).toBe(204)
  const tab = await hideableTab(ana)
  await openApp(ana, `/chats/${chat.id}`)
  await expect(messageRows(ana.page, 'Before you locked the phone')).toBeVisible()

  // Ana locks her phone: the screen goes, then the network; Ben writes more than a screenful.
  await tab.setHidden(true)
  await ana.context.setOffline(true)
  await expect(ana.page.getByText('Reconnecting...')).toBeVisible()
  for (let n = 1; n <= 40; n++) await postMessage(ben, chat.id, label(n))

  // She unlocks it: the screen comes first, the network after, and the missed messages come
  // with the catch-up while she is looking.
  await tab.setHidden(false)
  await ana.context.setOffline(false)
  await expect(ana.page.getByText('Reconnecting...')).toHaveCount(0)
  await expect(messageRows(ana.page, label(40))).toHaveCount(1)
  await expect(ana.page.getByText('Unread messages')).toBeInViewport()
  await expect(messageRows(ana.page, label(1))).toBeInViewport()
  await expect(messageRows(ana.page, label(40))).not.toBeInViewport()
  await expect(ana.page.getByRole('button', { name: /Jump to latest/ })).toBeVisible()
  await expect.poll(lastReadSeq).toBeGreaterThan(1)
  expect(await lastReadSeq()).toBeLessThan(41)
  await closeAll(ana, ben)
})

test('a chat whose history is still on its way says it is loading, never that it has no messages', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await postMessage(ben, chat.id, 'We have been talking for weeks')
  // A slow network: the chat's first page of messages is held until the test lets it go.
  let answer!: () => void
  const held = new Promise<void>(resolve => (answer = resolve))
  await ana.page.route(url => url.pathname === `/api/chats/${chat.id}/messages`, async (route) => {
    if (route.request().method() === 'GET') await held
    await route.continue()
  })
  await openApp(ana, `/chats/${chat.id}`)
  await expect(messageLog(ana.page).getByRole('progressbar', { name: 'Loading messages' })).toBeVisible()
  await expect(ana.page.getByText(/No messages yet/)).toHaveCount(0)
  answer()
  await expect(messageRows(ana.page, 'We have been talking for weeks')).toHaveCount(1)
  await expect(ana.page.getByText(/No messages yet/)).toHaveCount(0)
  await closeAll(ana, ben)
})

test('Back or Forward to a chat returns where the person was reading; opening it from the chat list still opens as before', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Reading club', [ana])
  const other = await createDirectChat(ben, ana)
  await postMessage(ben, other.id, 'Another chat')
  let readTo = 0
  let second = { id: '', seq: 0 }
  for (let n = 1; n <= 60; n++) {
    // The seventh replies to the second: a quote on screen where she reads, its original not.
    const data = n === 7 ? { content: label(n), replyToId: second.id } : { content: label(n) }
    const sent = await (await ben.context.request.post(`/api/chats/${group.id}/messages`, { data })).json() as { id: string, seq: number }
    if (n === 2) second = sent
    if (n === 32) readTo = sent.seq
  }
  // Ana read up to 32: the group opens at its unread divider, on 33.
  expect((await ana.context.request.post(`/api/chats/${group.id}/read`, { data: { seq: readTo } })).status()).toBe(204)

  await openApp(ana, '/')
  await chatList(ana.page).getByRole('link', { name: /Reading club/ }).click()
  await expect(ana.page.getByText('Unread messages')).toBeInViewport()
  await expect(messageRows(ana.page, label(33))).toBeInViewport()
  // She scrolls up to the first message.
  const first = messageRows(ana.page, label(1))
  await expect(async () => {
    await messageLog(ana.page).evaluate((element) => {
      element.scrollTop = 0
    })
    await expect(first).toHaveCount(1, { timeout: 1000 })
  }).toPass()
  // She reads from the fifth message at the top (not the log's very top: a chat shown before
  // its view is placed starts there).
  const reading = messageRows(ana.page, label(5))
  await reading.evaluate((element) => {
    element.scrollIntoView({ block: 'start' })
  })
  await expect(reading).toBeInViewport()
  await expect(first).not.toBeInViewport()
  await expect(messageRows(ana.page, label(33))).not.toBeInViewport()
  const topOf = async () => {
    const box = await reading.boundingBox()
    return box ? Math.round(box.y) : null
  }
  const leftAt = await topOf()

  // Another chat, then Back: the group where she was reading, not its divider or its end.
  await chatList(ana.page).getByRole('link', { name: /Ben/ }).click()
  await expect(messageRows(ana.page, 'Another chat')).toBeVisible()
  await ana.page.goBack()
  await expect(ana.page.getByRole('heading', { name: 'Reading club' })).toBeVisible()
  await expect.poll(topOf).toBe(leftAt)
  await expect(reading).toBeInViewport()
  await expect(messageRows(ana.page, label(33))).not.toBeInViewport()

  // Forward and Back again: the same.
  await ana.page.goForward()
  await expect(messageRows(ana.page, 'Another chat')).toBeVisible()
  await ana.page.goBack()
  await expect(ana.page.getByRole('heading', { name: 'Reading club' })).toBeVisible()
  await expect.poll(topOf).toBe(leftAt)

  // The kept position is spent once she goes on: the quote takes her to the second message,
  // and the view stays there (it was put back where she had been reading).
  await messageRows(ana.page, label(7)).getByRole('button', { name: /^Jump to the message from Ben/ }).click()
  const replied = ana.page.locator(`[data-seq="${second.seq}"]`)
  await expect(replied).toBeFocused()
  await expect(replied).toBeInViewport()

  // Opened from the chat list, the group opens as it always did: not at the kept position.
  await chatList(ana.page).getByRole('link', { name: /Ben/ }).click()
  await expect(messageRows(ana.page, 'Another chat')).toBeVisible()
  await chatList(ana.page).getByRole('link', { name: /Reading club/ }).click()
  await expect(ana.page.getByRole('heading', { name: 'Reading club' })).toBeVisible()
  await expect(reading).not.toBeInViewport()
  await closeAll(ana, ben)
})
