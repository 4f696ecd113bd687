import { expect, test, type Browser } from '@playwright/test'
import { TEST_PASSWORD, uniqueName } from '../harness/api-client'
import { chatList, closeAll, composer, createDirectChat, createGroupChat, messageLog, messageRows, openApp, postMessage, signUpPerson } from './chat-helpers'

const phone = { width: 390, height: 844 }

test('on a phone the list and the conversation are separate screens', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport: phone })
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  await postMessage(ben, chat.id, 'Are you on your phone?')

  await openApp(ana, '/')
  const item = chatList(ana.page).getByRole('link', { name: /Ben/ })
  await expect(item).toBeVisible()
  await expect(composer(ana.page)).toHaveCount(0)

  await item.click()
  await expect(messageRows(ana.page, 'Are you on your phone?')).toHaveCount(1)
  await expect(chatList(ana.page)).toHaveCount(0)
  // No hover on a touch screen: one actions button, always shown, carries the reactions.
  const received = messageRows(ana.page, 'Are you on your phone?')
  await expect(received.getByRole('button', { name: 'Message actions' })).toBeVisible()
  await expect(received.getByRole('button', { name: 'Add reaction' })).toBeHidden()
  await received.getByRole('button', { name: 'Message actions' }).tap()
  await ana.page.getByRole('button', { name: 'React with 👍' }).tap()
  await expect(received.getByRole('button', { name: '👍 1', pressed: true })).toBeVisible()
  // A phone's keyboard has no Shift+Enter: Enter breaks the line, the Send button sends.
  await composer(ana.page).fill('Yes,')
  await composer(ana.page).press('Enter')
  await composer(ana.page).pressSequentially('on the bus')
  await expect(messageRows(ana.page, 'on the bus')).toHaveCount(0)
  await ana.page.getByRole('button', { name: 'Send' }).tap()
  await openApp(ben, `/chats/${chat.id}`)
  await expect(messageRows(ben.page, 'on the bus')).toHaveCount(1)
  expect(await messageRows(ben.page, 'on the bus').locator('.rich-text').innerText()).toBe('Yes,\non the bus')

  await ana.page.getByRole('button', { name: 'Back to chats' }).tap()
  await expect(chatList(ana.page)).toBeVisible()
  await expect(chatList(ana.page).getByRole('link', { name: /Ben/ })).toContainText('You: Yes, on the bus')
  // The app's Back was a step back: the phone's own Back now leaves the list, not into the chat.
  await item.tap()
  await expect(composer(ana.page)).toBeVisible()
  await ana.page.getByRole('button', { name: 'Back to chats' }).tap()
  await expect(chatList(ana.page)).toBeVisible()
  await ana.page.goBack()
  await expect(ana.page).not.toHaveURL(/\/chats\//)
  await openApp(ana, '/')

  // The directories work on a phone too.
  await ana.page.getByRole('button', { name: 'Account menu' }).click()
  await ana.page.locator('.v-overlay--active .v-list-item').filter({ hasText: 'People' }).click()
  await expect(ana.page.getByRole('heading', { name: 'People' })).toBeVisible()
  await closeAll(ana, ben)
})

test('on a phone, someone with no chat yet is shown the ways to start one', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport: phone })
  await openApp(ana, '/')
  // The list names the button as it is labelled, and links to where people and channels are found.
  await expect(chatList(ana.page)).toContainText('No chats yet. Start one with the New chat button above')
  await expect(ana.page.getByRole('button', { name: 'New chat' })).toBeVisible()
  await chatList(ana.page).getByRole('link', { name: 'browse channels' }).tap()
  await expect(ana.page).toHaveURL(/\/channels$/)
  await ana.page.goBack()
  await chatList(ana.page).getByRole('link', { name: 'find people' }).tap()
  await expect(ana.page).toHaveURL(/\/people$/)
  await closeAll(ana)
})

test('on a narrow phone the chat\'s header keeps room for its name; files and members are in its menu', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport: { width: 320, height: 640 } })
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ana, 'Weekend hiking trip', [ben])
  await openApp(ana, `/chats/${group.id}`)
  const title = ana.page.getByRole('heading', { name: 'Weekend hiking trip' })
  await expect(title).toBeVisible()
  // It had 20 px beside four buttons; now two, and the name has most of the row.
  expect((await title.boundingBox())!.width).toBeGreaterThanOrEqual(110)

  for (const [item, region] of [['Files', 'Files'], ['Members', 'Members']]) {
    await ana.page.getByRole('button', { name: 'Chat options' }).tap()
    await ana.page.getByRole('menuitem', { name: item }).tap()
    await expect(ana.page.getByRole('region', { name: region })).toBeVisible()
    await ana.page.keyboard.press('Escape')
    await expect(ana.page.getByRole('region', { name: region })).toHaveCount(0)
  }
  await closeAll(ana, ben)
})

/** Ana on a phone of `viewport`, in a channel with a topic where Ben posted a code block whose first line is long. */
async function anaInChannelWithCode(browser: Browser, baseURL: string | undefined, viewport: { width: number, height: number }) {
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport })
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const created = await ana.context.request.post('/api/chats', { data: { type: 'channel', name: uniqueName('hikes'), topic: 'Trails, peaks and huts' } })
  expect(created.status()).toBe(201)
  const { id } = await created.json() as { id: string }
  expect((await ben.context.request.post(`/api/chats/${id}/join`)).status()).toBe(200)
  await postMessage(ben, id, '```sh\ncurl -fsSL https://example.invalid/install.sh | sh -s -- --prefix /opt/parley\necho done\n```')
  await openApp(ana, `/chats/${id}`)
  return { ana, ben }
}

test('on a phone the chat header\'s subtitle is read whole, inside the header', async ({ browser, baseURL }) => {
  for (const viewport of [{ width: 375, height: 667 }, { width: 320, height: 640 }]) {
    const { ana, ben } = await anaInChannelWithCode(browser, baseURL, viewport)
    // Nothing cut off at either side or below (a channel notifies of mentions only at first).
    const subtitle = ana.page.getByTestId('chat-subtitle')
    await expect(subtitle).toHaveText('2 members · Mentions only · Trails, peaks and huts')
    const header = (await ana.page.locator('.chat-header').boundingBox())!
    const box = (await subtitle.boundingBox())!
    expect(box.y).toBeGreaterThanOrEqual(header.y)
    expect(box.y + box.height).toBeLessThanOrEqual(header.y + header.height)
    expect(box.x + box.width).toBeLessThanOrEqual(viewport.width)
    expect(await subtitle.evaluate(element => element.scrollWidth <= element.clientWidth && element.scrollHeight <= element.clientHeight)).toBe(true)
    await closeAll(ana, ben)
  }
})

test('on a phone the copy button of a code block covers none of its code', async ({ browser, baseURL }) => {
  for (const viewport of [{ width: 375, height: 667 }, { width: 320, height: 640 }]) {
    const { ana, ben } = await anaInChannelWithCode(browser, baseURL, viewport)
    // The button's box meets no box of the code's text, as far as the block shows it.
    const block = messageLog(ana.page).locator('.code-block')
    const button = (await block.getByRole('button', { name: 'Copy code' }).boundingBox())!
    const lines = await block.locator('pre').evaluate((pre) => {
      const view = pre.getBoundingClientRect()
      const range = document.createRange()
      range.selectNodeContents(pre.querySelector('code')!)
      return [...range.getClientRects()]
        .map(line => ({ left: Math.max(line.left, view.left), right: Math.min(line.right, view.right), top: line.top, bottom: line.bottom }))
        .filter(line => line.right > line.left)
    })
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) {
      const apart = button.y >= line.bottom || button.y + button.height <= line.top || button.x >= line.right || button.x + button.width <= line.left
      expect(apart, JSON.stringify({ button, line })).toBe(true)
    }
    await closeAll(ana, ben)
  }
})

test('signed in from a chat\'s link on a phone, Back from the chat list leaves the app instead of reopening the chat', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await postMessage(ana, chat.id, 'Open this on your phone')
  // Ben, signed out on his phone, follows a link to the chat.
  const phoneContext = await browser.newContext({ baseURL, viewport: phone, isMobile: true, hasTouch: true })
  const page = await phoneContext.newPage()
  await page.goto(`/chats/${chat.id}`)
  await page.getByLabel('Username or email').fill(ben.username)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).tap()
  await expect(messageRows(page, 'Open this on your phone')).toHaveCount(1)
  await page.getByRole('button', { name: 'Back to chats' }).tap()
  await expect(chatList(page)).toBeVisible()
  // The login page gave its place to the chat, and the chat its place to the list.
  await page.goBack()
  await expect(page).toHaveURL('about:blank')
  await phoneContext.close()
  await closeAll(ana, ben)
})

test('a phone on its side keeps the phone\'s layout, and the latest message is read above the keyboard', async ({ browser, baseURL }) => {
  const sideways = { width: 844, height: 390 }
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport: sideways })
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ben, ana)
  for (const words of ['Lunch at one?', 'At the usual place', 'I booked a table by the window']) await postMessage(ben, chat.id, words)
  await openApp(ana, `/chats/${chat.id}`)
  await expect(ana.page.getByRole('button', { name: 'Back to chats' })).toBeVisible()
  await expect(chatList(ana.page)).toHaveCount(0)
  await composer(ana.page).tap()
  // The on-screen keyboard takes about half of the height that is left.
  await ana.page.setViewportSize({ width: 844, height: 220 })
  await expect(messageRows(ana.page, 'I booked a table by the window')).toBeInViewport({ ratio: 1 })
  await closeAll(ana, ben)
})
