import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { attach, drop, image, paste, PDF, wav } from './attachment-helpers'
import { anaAndBenInDirectChat, chatList, closeAll, composer, messageLog } from './chat-helpers'

// Attachments as people see them (docs/attachments.md, "In the app"): a pasted image, a
// dropped PDF, audio and the viewer, and a file refused for what it is. Uploads that fail,
// are cancelled or captioned: attachments-upload.spec.ts.

test('a pasted image reaches the other person live, sized before it loads', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await composer(ana.page).fill('the new logo')
  await paste(ana.page, 'logo.png', 'image/png', await image(400, 200, '#3080f0'))
  await expect(ana.page.getByRole('list', { name: 'Attached files' })).toContainText('logo.png')
  await composer(ana.page).press('Enter')

  const shown = messageLog(ben.page).getByRole('button', { name: 'Open image logo.png' })
  await expect(shown).toBeVisible()
  await expect(messageLog(ben.page)).toContainText('the new logo')
  const box = (await shown.boundingBox())!
  expect(box.width / box.height).toBeCloseTo(2, 1)
  await expect(shown.locator('img')).toHaveJSProperty('complete', true)
  expect(await shown.locator('img').evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  await closeAll(ana, ben)
})

test('a dropped PDF is a card the other person downloads byte for byte, and the Files panel lists it until its message is deleted', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  await drop(ana.page, 'minutes.pdf', 'application/pdf', PDF)
  await expect(ana.page.getByRole('list', { name: 'Attached files' })).toContainText('minutes.pdf')
  await expect(ana.page.getByRole('button', { name: 'Remove minutes.pdf' })).toBeVisible()
  await composer(ana.page).press('Enter')

  const link = messageLog(ben.page).getByRole('link', { name: 'Download minutes.pdf' })
  await expect(link).toBeVisible()
  await expect(messageLog(ben.page)).toContainText(`${PDF.length} B`)
  await expect(chatList(ben.page)).toContainText('📎 minutes.pdf')
  const download = ben.page.waitForEvent('download')
  await link.click()
  const file = await download
  expect(file.suggestedFilename()).toBe('minutes.pdf')
  expect(await readFile((await file.path())!)).toEqual(PDF)

  // The chat's Files panel lists what was shared, newest first, and what is sent while it is open.
  await ben.page.getByRole('button', { name: 'Files', exact: true }).click()
  const files = ben.page.getByRole('list', { name: 'Shared files' })
  await expect(files.getByRole('listitem')).toHaveCount(1)
  await paste(ana.page, 'chart.png', 'image/png', await image(60, 60, '#808080'))
  await composer(ana.page).press('Enter')
  await expect(messageLog(ben.page).getByRole('button', { name: 'Open image chart.png' })).toBeVisible()
  await expect(files.getByRole('listitem')).toHaveCount(2)
  await expect(files.getByRole('listitem').first()).toContainText('chart.png')
  await expect(files.getByRole('listitem').last()).toContainText('minutes.pdf')

  // Ana deletes the chart's message: its file leaves Ben's open panel, which is not read again.
  const history = await (await ana.context.request.get(`/api/chats/${chat.id}/messages`)).json() as { items: { id: string, attachments: { name: string }[] }[] }
  const chart = history.items.find(message => message.attachments.some(file => file.name === 'chart.png'))!
  expect((await ana.context.request.delete(`/api/messages/${chart.id}`)).status()).toBe(204)
  await expect(messageLog(ben.page).getByRole('button', { name: 'Open image chart.png' })).toHaveCount(0)
  await expect(files.getByRole('listitem')).toHaveCount(1)
  await expect(files.getByRole('listitem')).toContainText('minutes.pdf')
  await closeAll(ana, ben)
})

test('audio plays inline; the viewer opens an image, the arrow keys move between the chat\'s images, Escape closes it and gives the focus back', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await attach(ana.page, [
    { name: 'first.png', mimeType: 'image/png', buffer: await image(120, 90, '#c03030') },
    { name: 'second.png', mimeType: 'image/png', buffer: await image(90, 120, '#30c030') },
    { name: 'tone.wav', mimeType: 'audio/wav', buffer: wav() },
  ])
  await composer(ana.page).press('Enter')

  // Audio plays in the browser's own player, allowed by the page's policy.
  const player = messageLog(ben.page).getByLabel('tone.wav')
  await expect(player).toHaveJSProperty('tagName', 'AUDIO')
  await expect.poll(() => player.evaluate(audio => (audio as HTMLAudioElement).duration)).toBeCloseTo(0.1, 2)

  await messageLog(ben.page).getByRole('button', { name: 'Open image first.png' }).click()
  const viewer = ben.page.getByTestId('image-viewer')
  await expect(viewer).toContainText('first.png')
  await expect(viewer).toContainText('1 / 2')
  await ben.page.keyboard.press('ArrowRight')
  await expect(viewer).toContainText('second.png')
  await expect(viewer).toContainText('2 / 2')
  await expect(viewer.getByRole('link', { name: 'Download second.png' })).toBeVisible()
  await ben.page.keyboard.press('ArrowLeft')
  await expect(viewer).toContainText('first.png')
  await ben.page.keyboard.press('Escape')
  await expect(viewer).toBeHidden()
  // Closed with its button too, the viewer gives the focus back to where it was opened
  // from: the keyboard goes on from the thumbnail.
  const thumbnail = messageLog(ben.page).getByRole('button', { name: 'Open image second.png' })
  await thumbnail.click()
  await expect(viewer).toContainText('second.png')
  await viewer.getByRole('button', { name: 'Close viewer' }).click()
  await expect(viewer).toBeHidden()
  await expect(thumbnail).toBeFocused()
  await closeAll(ana, ben)
})

test('a file that is not the image it claims to be is refused beside it, in words people read', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await attach(ana.page, [{ name: 'holiday.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all, only text') }])
  const queue = ana.page.getByRole('list', { name: 'Attached files' })
  await expect(queue).toContainText('The file is not the image it claims to be.')
  await expect(queue).not.toContainText('Declared')
  await ana.page.getByRole('button', { name: 'Remove holiday.png' }).click()
  await expect(queue).toHaveCount(0)
  await closeAll(ana, ben)
})
