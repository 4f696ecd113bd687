import { expect, test } from '@playwright/test'
import { TEST_PASSWORD, uniqueName } from '../harness/api-client'
import { chatList, closeAll, createChannel, messageLog, messageRows, openApp, postMessage, signUpPerson, type Person } from './chat-helpers'

// Reading a long backlog and its mentions: the counts every device shows, and "Jump to
// next mention" for mentions not loaded yet (docs/messages.md, "Mentions"; docs/ui.md).

async function readUpTo(person: Person, chatId: string, seq: number) {
  expect((await person.context.request.post(`/api/chats/${chatId}/read`, { data: { seq } })).status()).toBe(204)
}

/** `count` messages, ten at a time (their order within the run does not matter). */
async function postLines(from: Person, chatId: string, prefix: string, count: number) {
  for (let start = 0; start < count; start += 10) {
    await Promise.all(Array.from({ length: Math.min(10, count - start) }, (_, index) => postMessage(from, chatId, `${prefix} ${start + index}`)))
  }
}

// Each test first writes a backlog of up to 120 messages.
test.describe.configure({ timeout: 150_000 })

test('reading the start of a long backlog lowers the counts, the @ badge and the title, alike on every device', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const channel = await createChannel(ben, uniqueName('backlog'), [ana])
  await postMessage(ben, channel.id, 'good night')
  await readUpTo(ana, channel.id, 1)
  await postMessage(ben, channel.id, `morning @${ana.username}, see below`)
  await postLines(ben, channel.id, 'later line', 120)

  // Ana's second device, signed in on its own, shows the chat list.
  const other = await browser.newContext({ baseURL })
  expect((await other.request.post('/api/auth/login', { data: { login: ana.username, password: TEST_PASSWORD } })).status()).toBe(200)
  const otherPage = await other.newPage()
  await otherPage.goto('/')
  const otherItem = chatList(otherPage).locator(`[data-chat-id="${channel.id}"]`)
  await expect(otherItem).toHaveAttribute('aria-label', /121 unread, 1 mention/)

  await openApp(ana)
  const item = chatList(ana.page).locator(`[data-chat-id="${channel.id}"]`)
  await expect(item).toHaveAttribute('aria-label', /121 unread, 1 mention/)
  await expect(ana.page).toHaveTitle(/^\(121\)/)
  await item.click()
  // The chat opens at the first unread message, the mention, far from the end.
  await expect(messageRows(ana.page, 'morning')).toBeInViewport()
  await expect(messageRows(ana.page, 'later line 119')).toHaveCount(0)

  // What she read counts read here: the @ badge goes, the count and the title drop.
  await expect(item.getByTestId('mention-badge')).toHaveCount(0)
  await expect(item).not.toHaveAttribute('aria-label', /mention|121 unread/)
  await expect(ana.page).not.toHaveTitle(/^\(121\)/)
  // And both devices say the same.
  await expect(otherItem).not.toHaveAttribute('aria-label', /mention|121 unread/)
  await expect.poll(async () => await item.getAttribute('aria-label') === await otherItem.getAttribute('aria-label')).toBe(true)

  // The next message counts one more, from the right number.
  const before = Number(/(\d+) unread/.exec((await item.getAttribute('aria-label'))!)![1])
  await postMessage(ben, channel.id, 'one more')
  await expect(item).toHaveAttribute('aria-label', new RegExp(`, ${before + 1} unread$`))
  await expect(otherItem).toHaveAttribute('aria-label', new RegExp(`, ${before + 1} unread$`))
  expect(ana.dialogs).toEqual([])
  await other.close()
  await closeAll(ana, ben)
})

test('"Jump to next mention" offers every unread mention below, loaded or not, until each has been shown', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const channel = await createChannel(ben, uniqueName('mentions'), [ana])
  await postMessage(ben, channel.id, 'good night')
  await readUpTo(ana, channel.id, 1)
  // Mentions at seq 2 (where the chat opens), 63 (past the first page) and 94.
  await postMessage(ben, channel.id, `first @${ana.username} look`)
  await postLines(ben, channel.id, 'filler a', 60)
  await postMessage(ben, channel.id, `second @${ana.username} look`)
  await postLines(ben, channel.id, 'filler b', 30)
  await postMessage(ben, channel.id, `third @${ana.username} look`)
  await postLines(ben, channel.id, 'filler c', 5)

  await openApp(ana, `/chats/${channel.id}`)
  await expect(messageRows(ana.page, 'first @')).toBeInViewport()
  // The next mention is not loaded yet: the button offers it all the same.
  const next = ana.page.getByTestId('next-mention')
  await expect(next).toBeVisible()
  await next.click()
  await expect(messageRows(ana.page, 'second @')).toBeInViewport()
  // One more below, not loaded either.
  await expect(next).toBeVisible()
  await next.click()
  await expect(messageRows(ana.page, 'third @')).toBeInViewport()
  // Every mention has been on screen: the button goes.
  await expect(next).toHaveCount(0)
  await expect(messageLog(ana.page).locator('[data-mentions-me]').filter({ hasText: 'third @' })).toHaveCount(1)
  expect(ana.dialogs).toEqual([])
  await closeAll(ana, ben)
})

test('a mention that arrives while the reader is scrolled up is offered by "Jump to next mention"', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cleo = await signUpPerson(browser, baseURL, 'Cleo')
  const channel = await createChannel(ben, uniqueName('live'), [ana, cleo])
  await postLines(ben, channel.id, 'old line', 60)
  await postMessage(ben, channel.id, 'the last old line')
  await readUpTo(ana, channel.id, 61)

  await openApp(ana, `/chats/${channel.id}`)
  await expect(messageRows(ana.page, 'the last old line')).toBeInViewport()
  await messageLog(ana.page).hover()
  await ana.page.mouse.wheel(0, -20_000)
  await expect(ana.page.getByRole('button', { name: 'Jump to latest' })).toBeVisible()
  const next = ana.page.getByTestId('next-mention')
  await expect(next).toHaveCount(0)

  await postMessage(cleo, channel.id, `live @${ana.username} are you there`)
  await postMessage(ben, channel.id, 'one more')
  await expect(messageRows(ana.page, 'one more')).toHaveCount(1)
  await expect(next).toBeVisible()
  await next.click()
  await expect(messageRows(ana.page, 'live @')).toBeInViewport()
  await expect(next).toHaveCount(0)
  expect(ana.dialogs).toEqual([])
  await closeAll(ana, ben, cleo)
})
