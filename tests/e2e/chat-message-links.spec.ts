import { expect, test } from '@playwright/test'
import { chatList, closeAll, composer, createChannel, createDirectChat, createGroupChat, messageLog, messageRows, openApp, postMessage, signUpPerson } from './chat-helpers'

// A message link or a search result (`?around=N`) opens the page around one old message; what
// comes after (the chat opened again, Jump to latest, joining) must not take that page for the
// chat's end, nor the old message's address for where the person is (docs/ui.md, "Message links").

const label = (n: number) => `Linked message ${String(n).padStart(3, '0')}`

test('a chat opened from the list after a message link in it opens at the latest, and what comes next is read there', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const dee = await signUpPerson(browser, baseURL, 'Dee')
  const group = await createGroupChat(dee, `Long group ${ana.username}`, [ana])
  const direct = await createDirectChat(dee, ana)
  for (let n = 1; n <= 120; n++) await postMessage(dee, group.id, label(n))
  // Ana has read it all: nothing unread, so the group opens at its end.
  expect((await ana.context.request.post(`/api/chats/${group.id}/read`, { data: { seq: 120 } })).status()).toBe(204)
  const listedGroup = chatList(ana.page).locator(`[data-chat-id="${group.id}"]`)
  const latest = ana.page.getByRole('button', { name: 'Jump to latest' })

  // A search result (a message link) in the group, then another chat, then the group from the list.
  await openApp(ana, `/chats/${group.id}?around=26`)
  await expect(messageRows(ana.page, label(26))).toBeInViewport()
  await chatList(ana.page).locator(`[data-chat-id="${direct.id}"]`).click()
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${direct.id}$`))
  await listedGroup.click()
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${group.id}$`))
  await expect(messageRows(ana.page, label(120))).toBeInViewport()
  await expect(latest).toHaveCount(0)

  // Dee writes on: Ana, at the end of the chat she is in, sees it and has nothing unread.
  await postMessage(dee, group.id, 'Anyone still here?')
  await expect(messageRows(ana.page, 'Anyone still here?')).toBeInViewport()
  await expect(listedGroup).not.toHaveAttribute('aria-label', /unread/)
  await expect(ana.page).not.toHaveTitle(/^\(/)

  // The group clicked in the list while on a message link in it opens at the latest too.
  await openApp(ana, `/chats/${group.id}?around=30`)
  await expect(messageRows(ana.page, label(30))).toBeInViewport()
  await listedGroup.click()
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${group.id}$`))
  await expect(messageRows(ana.page, 'Anyone still here?')).toBeInViewport()
  await expect(latest).toHaveCount(0)
  await closeAll(ana, dee)
})

test('Jump to latest from a message link leaves the chat\'s own address, so a reload stays at the latest', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const dee = await signUpPerson(browser, baseURL, 'Dee')
  const group = await createGroupChat(dee, `Linked group ${ana.username}`, [ana])
  for (let n = 1; n <= 90; n++) await postMessage(dee, group.id, label(n))
  expect((await ana.context.request.post(`/api/chats/${group.id}/read`, { data: { seq: 90 } })).status()).toBe(204)

  await openApp(ana, `/chats/${group.id}?around=12`)
  await expect(messageRows(ana.page, label(12))).toBeInViewport()
  const entries = await ana.page.evaluate(() => history.length)
  await ana.page.getByRole('button', { name: 'Jump to latest' }).click()
  await expect(messageRows(ana.page, label(90))).toBeInViewport()
  // The address is the chat's own, in place of the link's (no new entry in the history).
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${group.id}$`))
  expect(await ana.page.evaluate(() => history.length)).toBe(entries)
  await expect(messageRows(ana.page, label(90))).toBeInViewport()

  await ana.page.reload()
  await expect(messageRows(ana.page, label(90))).toBeInViewport()
  await expect(messageRows(ana.page, label(12))).toHaveCount(0)
  await closeAll(ana, dee)
})

test('joining a channel from a message link stays on the linked message', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const dee = await signUpPerson(browser, baseURL, 'Dee')
  const channel = await createChannel(dee, `linked-${ana.username}`, [])
  for (let n = 1; n <= 120; n++) await postMessage(dee, channel.id, label(n))

  // Ana, not in the channel, follows a link to message 31.
  await openApp(ana, `/chats/${channel.id}?around=31`)
  const linked = messageRows(ana.page, label(31))
  await expect(linked).toBeInViewport()
  await expect(linked).toHaveClass(/message--highlighted/)
  await ana.page.getByRole('button', { name: 'Join channel' }).click()

  // Now a member, she still reads message 31, outlined, with the history around it.
  await expect(composer(ana.page)).toBeVisible()
  await expect(linked).toBeInViewport()
  await expect(linked).toHaveClass(/message--highlighted/)
  await expect(messageRows(ana.page, label(30))).toHaveCount(1)
  await expect(messageRows(ana.page, label(32))).toHaveCount(1)
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${channel.id}\\?around=31$`))
  // The messages around it were not traded for the latest page.
  await expect(messageLog(ana.page).locator('[data-seq="120"]')).toHaveCount(0)
  await closeAll(ana, dee)
})

test('Copy link gives a message\'s link; pasted in another chat, it opens that message in the same tab, and Back returns', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const dee = await signUpPerson(browser, baseURL, 'Dee')
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const group = await createGroupChat(dee, `Plans ${ana.username}`, [ana])
  const direct = await createDirectChat(ana, dee)
  for (let n = 1; n <= 120; n++) await postMessage(dee, group.id, label(n))
  expect((await ana.context.request.post(`/api/chats/${group.id}/read`, { data: { seq: 120 } })).status()).toBe(204)

  // Ana copies the link of an old message (a search result opened it) and pastes it to Dee.
  await openApp(ana, `/chats/${group.id}?around=26`)
  const old = messageRows(ana.page, label(26))
  await old.hover()
  await old.getByRole('button', { name: 'Message actions' }).click()
  await ana.page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: 'Copy link' }).click()
  await expect(ana.page.getByText('Link copied')).toBeVisible()
  await chatList(ana.page).locator(`[data-chat-id="${direct.id}"]`).click()
  await composer(ana.page).click()
  await ana.page.keyboard.press('ControlOrMeta+V')
  await expect(composer(ana.page)).toHaveValue(`${baseURL}/chats/${group.id}?around=26`)
  await ana.page.keyboard.press('Enter')

  // Dee clicks it: the message opens in place, in the tab he is in, and Back returns to the chat.
  await openApp(dee, `/chats/${direct.id}`)
  await messageLog(dee.page).getByRole('link', { name: `${baseURL}/chats/${group.id}?around=26` }).click()
  await expect(dee.page).toHaveURL(`${baseURL}/chats/${group.id}?around=26`)
  await expect(messageRows(dee.page, label(26))).toBeInViewport()
  expect(dee.context.pages()).toHaveLength(1)
  await dee.page.goBack()
  await expect(dee.page).toHaveURL(new RegExp(`/chats/${direct.id}$`))
  await closeAll(ana, dee)
})
