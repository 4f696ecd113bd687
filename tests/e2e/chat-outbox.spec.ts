import { expect, test } from '@playwright/test'
import type { Message } from '#shared/types/api'
import { chatList, closeAll, createGroupChat, messageLog, messageRows, openApp, postMessage, send, signUpPerson, type Person } from './chat-helpers'

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
async function removedWithUnsent(ana: Person, groupName: string) {
  const notice = ana.page.getByText(`You are no longer a member of ${groupName}. 2 messages you wrote there were not sent.`)
  await expect(notice).toBeVisible()
  await expect(ana.page).toHaveURL(/\/$/)
  await ana.page.getByRole('button', { name: 'Copy', exact: true }).click()
  expect(await ana.page.evaluate(() => navigator.clipboard.readText())).toBe('offline one\n\noffline two')
  await expect(ana.page.getByText('Copied the 2 messages.')).toBeVisible()
  // Told once and copied, they are not kept in the browser for ever, out of sight.
  await expect.poll(() => ana.page.evaluate(id => localStorage.getItem(`parley:outbox:${id}`), ana.id)).toBeNull()
}

test('removed from a group while offline with two messages still to send: back online, the person is told they were not sent and can copy their words', async ({ browser, baseURL }) => {
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
  await ana.context.setOffline(false)

  await removedWithUnsent(ana, 'Hiking crew')
  await closeAll(ana, ben)
})

test('removed from the open group while two messages are on their way, the socket up: the person is told they were not sent and can copy their words', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Hiking crew', [ana])
  await postMessage(ben, group.id, 'Meet at the trailhead')
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  // Ana's sends wait (a slow link) until the test lets them go, after her removal.
  let letSendsGo: () => void = () => {}
  const sendsHeld = new Promise<void>((resolve) => {
    letSendsGo = resolve
  })
  await ana.page.route(`**/api/chats/${group.id}/messages`, async (route) => {
    if (route.request().method() !== 'POST') return route.fallback()
    await sendsHeld
    await route.fallback()
  })
  await openApp(ana, `/chats/${group.id}`)
  await expect(messageRows(ana.page, 'Meet at the trailhead')).toBeVisible()

  await send(ana.page, 'offline one')
  await send(ana.page, 'offline two')
  for (const text of ['offline one', 'offline two']) await expect(messageRows(ana.page, text)).toContainText('Sending')
  expect((await ben.context.request.delete(`/api/chats/${group.id}/members/${ana.id}`)).status()).toBe(204)

  await expect(ana.page.getByText('You are no longer a member of Hiking crew. 2 messages you wrote there were not sent.')).toBeVisible()
  letSendsGo()
  await removedWithUnsent(ana, 'Hiking crew')
  await closeAll(ana, ben)
})
