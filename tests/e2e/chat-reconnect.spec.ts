import { expect, test, type Page, type WebSocketRoute } from '@playwright/test'
import { chatList, closeAll, createDirectChat, createGroupChat, messageLog, messageRows, openApp, send, signUpPerson, type Person } from './chat-helpers'

/**
 * The page's WebSocket goes through the test: `drop()` cuts the open one (as a lost link
 * does), and every socket opened after it waits for `release()` before it reaches the
 * server, so the reconnect (and its `ready`) comes exactly when the test says.
 */
async function holdableSocket(page: Page) {
  let current: { page: WebSocketRoute, server: WebSocketRoute } | null = null
  let held: Promise<void> = Promise.resolve()
  let release: () => void = () => {}
  await page.routeWebSocket(url => url.pathname === '/ws', async (socket) => {
    await held
    current = { page: socket, server: socket.connectToServer() }
  })
  return {
    async drop() {
      held = new Promise<void>((resolve) => {
        release = resolve
      })
      const open = current!
      current = null
      await open.server.close()
      await open.page.close({ code: 1006, reason: 'link lost' })
    },
    release: () => release(),
  }
}

async function post(person: Person, chatId: string, content: string): Promise<{ id: string, seq: number }> {
  const response = await person.context.request.post(`/api/chats/${chatId}/messages`, { data: { content } })
  expect(response.status(), await response.text()).toBe(201)
  return await response.json() as { id: string, seq: number }
}

test('what was missed while the socket was down all shows, in order, even when a message sent meanwhile is answered first; nothing unseen is reported read', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  const chat = await createGroupChat(ana, 'Hikers', [cy])
  const m1 = await post(ana, chat.id, 'First plan: the north ridge')
  const m2 = await post(ana, chat.id, 'Bring crampons')
  const m3 = await post(ana, chat.id, 'Meet at 7')
  const socket = await holdableSocket(cy.page)
  const readSeqs: { seq: number, beforeRelease: boolean }[] = []
  let released = false
  cy.page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith(`/api/chats/${chat.id}/read`)) readSeqs.push({ seq: (request.postDataJSON() as { seq: number }).seq, beforeRelease: !released })
  })
  await openApp(cy, `/chats/${chat.id}`)
  await expect(messageRows(cy.page, 'Meet at 7')).toHaveCount(1)

  await socket.drop()
  await expect(cy.page.getByText('Reconnecting...')).toBeVisible()
  await post(ana, chat.id, 'o1: the ridge is closed')
  await post(ana, chat.id, 'o2: south trail instead')
  expect((await ana.context.request.patch(`/api/messages/${m1.id}`, { data: { content: 'First plan: the south trail' } })).status()).toBe(200)
  expect((await ana.context.request.delete(`/api/messages/${m2.id}`)).status()).toBe(204)

  // Cy writes before the socket is back: the message goes over HTTP and is answered first.
  await send(cy.page, 'Cy: see you there')
  await expect(messageLog(cy.page).locator('[data-seq]').filter({ hasText: 'Cy: see you there' })).toHaveCount(1)
  await expect(messageLog(cy.page).locator('[data-client-id]')).toHaveCount(0)
  released = true
  socket.release()

  await expect(cy.page.getByText('Reconnecting...')).toHaveCount(0)
  await expect(messageLog(cy.page).locator('[data-seq]')).toHaveText([
    /First plan: the south trail/,
    /This message was deleted/,
    /Meet at 7/,
    /o1: the ridge is closed/,
    /o2: south trail instead/,
    /Cy: see you there/,
  ])
  await expect(messageRows(cy.page, 'First plan: the south trail')).toContainText('edited')
  // While o1 and o2 were not on Cy's screen, Cy's client said it had read no further than m3.
  expect(readSeqs.filter(read => read.beforeRelease && read.seq > m3.seq)).toEqual([])
  await closeAll(ana, cy)
})

test('after a reconnect who left while the socket was down is not shown online, and who stayed is; while it is down, nobody is', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  const withAna = await createDirectChat(ana, ben)
  await createDirectChat(cy, ben)
  const anaAndCy = await createDirectChat(cy, ana)
  await openApp(ana)
  await openApp(cy, `/chats/${anaAndCy.id}`)
  const socket = await holdableSocket(ben.page)
  await openApp(ben, `/chats/${withAna.id}`)
  const subtitle = ben.page.getByTestId('chat-subtitle')
  await expect(subtitle).toHaveText(`@${ana.username} · online`)
  await expect(chatList(ben.page).getByRole('link', { name: 'Cy, online' })).toBeVisible()

  await socket.drop()
  await expect(ben.page.getByText('Reconnecting...')).toBeVisible()
  // Ben's app cannot know who comes and goes now: it says nobody is online.
  await expect.soft(subtitle).not.toContainText('online')
  await expect.soft(chatList(ben.page).getByRole('link', { name: /online/ })).toHaveCount(0)

  // Ana leaves; Cy, connected, is told (the server says so 2 s after her last socket closed).
  await ana.context.close()
  await expect(cy.page.getByTestId('chat-subtitle')).toHaveText(/last seen/)
  socket.release()
  await expect(ben.page.getByText('Reconnecting...')).toHaveCount(0)
  await expect(subtitle).toHaveText(/last seen/)
  await expect(chatList(ben.page).getByRole('link', { name: 'Cy, online' })).toBeVisible()
  await closeAll(ben, cy)
})

test('removed from the open group while the socket was down: back online, the person is told and leaves it, not left on a spinner', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Hiking crew', [ana])
  await post(ben, group.id, 'Meet at the trailhead')
  const socket = await holdableSocket(ana.page)
  await openApp(ana, `/chats/${group.id}`)
  await expect(messageRows(ana.page, 'Meet at the trailhead')).toHaveCount(1)

  // The news of the removal is sent while Ana's link is down: it never reaches her.
  await socket.drop()
  await expect(ana.page.getByText('Reconnecting...')).toBeVisible()
  expect((await ben.context.request.delete(`/api/chats/${group.id}/members/${ana.id}`)).status()).toBe(204)
  socket.release()

  await expect(ana.page.getByText('You are no longer a member of Hiking crew.')).toBeVisible()
  await expect(ana.page).toHaveURL(/\/$/)
  await expect(chatList(ana.page).getByRole('link', { name: /Hiking crew/ })).toHaveCount(0)
  await expect(ana.page.getByRole('progressbar', { name: 'Loading chat' })).toHaveCount(0)
  await closeAll(ana, ben)
})
