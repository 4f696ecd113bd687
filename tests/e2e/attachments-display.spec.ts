import { expect, test } from '@playwright/test'
import type { Message } from '#shared/types/api'
import { attach, image, paste, PDF } from './attachment-helpers'
import { anaAndBenInDirectChat, closeAll, composer, messageLog, openApp, postMessage } from './chat-helpers'

// How files look in a conversation (docs/attachments.md, "In the app"): thumbnails of
// images of any shape, long file names, and the quote of a reply to a photo.

test('a very tall and a very wide image are thumbnails inside the 320 px box, no slivers, sized before they load; the viewer shows the whole image', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  // Ben's thumbnails are held: their boxes are measured before any of them arrives.
  let release = () => {}
  const released = new Promise<void>(resolve => release = resolve)
  await ben.page.route('**/api/attachments/*/thumbnail', async (route) => {
    await released
    await route.continue()
  })
  await attach(ana.page, [
    { name: 'receipt.png', mimeType: 'image/png', buffer: await image(200, 6000, '#d0d0d0') },
    { name: 'skyline.png', mimeType: 'image/png', buffer: await image(6000, 150, '#3050a0') },
  ])
  await composer(ana.page).press('Enter')

  const tall = messageLog(ben.page).getByRole('button', { name: 'Open image receipt.png' })
  const wide = messageLog(ben.page).getByRole('button', { name: 'Open image skyline.png' })
  await expect(tall).toBeVisible()
  await expect(wide).toBeVisible()
  const before = [(await tall.boundingBox())!, (await wide.boundingBox())!]
  for (const box of before) {
    expect(box.width).toBeLessThanOrEqual(320)
    expect(box.height).toBeLessThanOrEqual(320)
    expect(box.width).toBeGreaterThanOrEqual(48)
    expect(box.height).toBeGreaterThanOrEqual(48)
  }
  // The long side fills the box.
  expect(before[0]!.height).toBeCloseTo(320, 0)
  expect(before[1]!.width).toBeCloseTo(320, 0)

  release()
  for (const thumbnail of [tall, wide]) await expect.poll(() => thumbnail.locator('img').evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  expect([(await tall.boundingBox())!, (await wide.boundingBox())!]).toEqual(before)

  // The viewer shows all of the tall image, in its own proportions, inside the window.
  await tall.click()
  const shown = ben.page.getByTestId('image-viewer').getByRole('img', { name: 'receipt.png' })
  await expect.poll(() => shown.evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  const full = (await shown.boundingBox())!
  expect(full.width / full.height).toBeCloseTo(200 / 6000, 2)
  expect(full.height).toBeLessThanOrEqual(ben.page.viewportSize()!.height)
  await closeAll(ana, ben)
})

test('a long file name shows whole on hover, in the conversation and in the Files panel', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  const name = 'minutes-of-the-quarterly-planning-meeting-with-the-regional-sales-teams-and-the-board-final-version-2.pdf'
  await attach(ana.page, [{ name, mimeType: 'application/pdf', buffer: PDF }])
  await composer(ana.page).press('Enter')

  const link = messageLog(ben.page).getByRole('link', { name: `Download ${name}` })
  await expect(link).toBeVisible()
  await expect(messageLog(ben.page).getByTitle(name, { exact: true })).toBeVisible()

  await ben.page.getByRole('button', { name: 'Files', exact: true }).click()
  const files = ben.page.getByRole('list', { name: 'Shared files' })
  await expect(files.getByRole('link', { name: `Download ${name}` })).toBeVisible()
  await expect(files.getByTitle(name, { exact: true })).toBeVisible()
  await closeAll(ana, ben)
})

test('a reply to a photo sent without words quotes the photo, also after a reload that no longer holds it; a deleted one says so', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  await paste(ana.page, 'beach.png', 'image/png', await image(300, 200, '#e0c080'))
  await composer(ana.page).press('Enter')
  await expect(messageLog(ben.page).getByRole('button', { name: 'Open image beach.png' })).toBeVisible()
  const history = await (await ben.context.request.get(`/api/chats/${chat.id}/messages`)).json() as { items: Message[] }
  const photo = history.items.find(message => message.attachments.some(file => file.name === 'beach.png'))!

  // More than a page of talk later, Ben answers the photo (as a client names it: replyToId).
  for (let index = 0; index < 55; index++) await postMessage(ana, chat.id, `later ${index}`)
  const reply = await ben.context.request.post(`/api/chats/${chat.id}/messages`, { data: { content: 'what a view', replyToId: photo.id } })
  expect(reply.status()).toBe(201)

  // Ben's reloaded tab holds the latest page, not the photo: the quote still says what it is.
  await openApp(ben, `/chats/${chat.id}`)
  const quote = messageLog(ben.page).getByRole('button', { name: 'Jump to the message from Ana this replies to' })
  await expect(quote).toContainText('📎 beach.png')
  await expect(messageLog(ben.page).getByRole('button', { name: 'Open image beach.png' })).toHaveCount(0)
  await quote.click()
  await expect(messageLog(ben.page).getByRole('button', { name: 'Open image beach.png' })).toBeVisible()

  // Deleted, the photo is a deleted message in the quote: live in a tab that does not hold
  // it, and after a reload.
  await openApp(ben, `/chats/${chat.id}`)
  await expect(quote).toContainText('📎 beach.png')
  expect((await ana.context.request.delete(`/api/messages/${photo.id}`)).status()).toBe(204)
  await expect(quote).toContainText('Deleted message')
  await openApp(ben, `/chats/${chat.id}`)
  await expect(quote).toContainText('Deleted message')
  await closeAll(ana, ben)
})
