import { readFile, truncate, writeFile } from 'node:fs/promises'
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { anaAndBenInDirectChat, chatList, closeAll, composer, menuItem, messageLog, messageRows, send } from './chat-helpers'

// Attachments as people use them (docs/attachments.md, "In the app"): paste, drop, the
// paperclip, the viewer, downloads, and an SVG that must never run.

function image(width: number, height: number, color: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer()
}

/** A tenth of a second of silence as a WAV file (8 kHz, 8-bit mono). */
function wav(): Buffer {
  const samples = 800
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + samples, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(8000, 24)
  header.writeUInt32LE(8000, 28)
  header.writeUInt16LE(1, 32)
  header.writeUInt16LE(8, 34)
  header.write('data', 36)
  header.writeUInt32LE(samples, 40)
  return Buffer.concat([header, Buffer.alloc(samples, 128)])
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

/** Pastes a file into the composer, as Ctrl+V with a screenshot on the clipboard does. */
async function paste(page: Page, name: string, type: string, bytes: Buffer) {
  await composer(page).evaluate((field, file) => {
    const data = new DataTransfer()
    data.items.add(new File([Uint8Array.from(atob(file.base64), char => char.charCodeAt(0))], file.name, { type: file.type }))
    field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, { name, type, base64: bytes.toString('base64') })
}

/**
 * Puts on the system clipboard what a program's Copy does: `text` (the text and an HTML
 * version of it, as a spreadsheet or a word processor gives) and `png` (a picture), each
 * when given; Ctrl+V then pastes it as a person's would.
 */
async function copy(page: Page, clip: { text?: string, png?: Buffer }) {
  await page.evaluate(async ({ text, png }) => {
    const types: Record<string, Blob> = {}
    if (text !== undefined) {
      types['text/plain'] = new Blob([text], { type: 'text/plain' })
      types['text/html'] = new Blob([`<table><tr><td>${text.split('\t').join('</td><td>')}</td></tr></table>`], { type: 'text/html' })
    }
    if (png !== undefined) types['image/png'] = new Blob([Uint8Array.from(atob(png), char => char.charCodeAt(0))], { type: 'image/png' })
    await navigator.clipboard.write([new ClipboardItem(types)])
  }, { text: clip.text, png: clip.png?.toString('base64') })
}

/** Drags a file from the desktop and drops it on the conversation. */
async function drop(page: Page, name: string, type: string, bytes: Buffer) {
  const dataTransfer = await page.evaluateHandle((file) => {
    const data = new DataTransfer()
    data.items.add(new File([Uint8Array.from(atob(file.base64), char => char.charCodeAt(0))], file.name, { type: file.type }))
    return data
  }, { name, type, base64: bytes.toString('base64') })
  const log = messageLog(page)
  await log.dispatchEvent('dragenter', { dataTransfer })
  await log.dispatchEvent('dragover', { dataTransfer })
  await log.dispatchEvent('drop', { dataTransfer })
}

/** Attaches files with the paperclip button and the system's file chooser. */
async function attach(page: Page, files: { name: string, mimeType: string, buffer: Buffer }[]) {
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Attach files' }).click()
  await (await chooser).setFiles(files)
}

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

test('an upload that failed on a lost connection is tried again from its chip, and then sent', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  // The first upload meets a lost connection.
  await ana.page.route('**/api/chats/*/attachments', route => route.abort('internetdisconnected'), { times: 1 })
  await attach(ana.page, [{ name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.from('the minutes of the meeting') }])
  const queue = ana.page.getByRole('list', { name: 'Attached files' })
  await expect(queue.getByRole('alert')).toBeVisible()
  await queue.getByRole('button', { name: 'Try minutes.txt again' }).click()
  await expect(queue.getByRole('alert')).toHaveCount(0)
  await composer(ana.page).fill('here they are')
  await composer(ana.page).press('Enter')
  await expect(messageLog(ben.page)).toContainText('minutes.txt')
  await expect(messageLog(ben.page)).toContainText('here they are')
  await closeAll(ana, ben)
})

test('a file over the size limit offers only Remove, as trying it again cannot mend it; a server that was down offers Try again', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  // One byte over the server's 25 MiB, chosen from the disk: refused with 413, whatever is tried again.
  const big = test.info().outputPath('big.bin')
  await writeFile(big, '')
  await truncate(big, 25 * 1024 * 1024 + 1)
  const chooser = ana.page.waitForEvent('filechooser')
  await ana.page.getByRole('button', { name: 'Attach files' }).click()
  await (await chooser).setFiles(big)
  const queue = ana.page.getByRole('list', { name: 'Attached files' })
  await expect(queue.getByRole('alert')).toHaveText('A file can have at most 25.0 MB.')
  await expect(queue.getByRole('button', { name: 'Try big.bin again' })).toHaveCount(0)
  await queue.getByRole('button', { name: 'Remove big.bin' }).click()
  await expect(queue).toHaveCount(0)

  // A server that answered 503 (down for a moment) may take the file on a second try.
  await ana.page.route('**/api/chats/*/attachments', route => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, message: 'The service is unavailable, try again shortly.', data: { code: 'unavailable' } }) }), { times: 1 })
  await attach(ana.page, [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('the notes') }])
  await expect(queue.getByRole('alert')).toBeVisible()
  await queue.getByRole('button', { name: 'Try notes.txt again' }).click()
  await expect(queue.getByRole('alert')).toHaveCount(0)
  await composer(ana.page).fill('the notes, without the big one')
  await composer(ana.page).press('Enter')
  await expect(messageLog(ben.page)).toContainText('notes.txt')
  await closeAll(ana, ben)
})

test('a message sent while its file still uploads can be cancelled, file and all', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  // The upload stays on its way, as on a slow link.
  const uploadsOf = (url: URL) => url.pathname === `/api/chats/${chat.id}/attachments`
  await ana.page.route(uploadsOf, () => {})
  await composer(ana.page).fill('the wrong file')
  await attach(ana.page, [{ name: 'huge.pdf', mimeType: 'application/pdf', buffer: PDF }])
  await composer(ana.page).press('Enter')
  const pending = ana.page.locator('[data-client-id]').filter({ hasText: 'the wrong file' })
  await expect(pending).toContainText('Sending…')
  await pending.getByRole('button', { name: 'Cancel' }).click()
  await expect(pending).toHaveCount(0)

  await ana.page.unroute(uploadsOf)
  await composer(ana.page).fill('never mind')
  await composer(ana.page).press('Enter')
  await expect(messageLog(ben.page).getByText('never mind')).toBeVisible()
  await expect(messageLog(ben.page).getByText('the wrong file')).toHaveCount(0)
  expect((await (await ana.context.request.get(`/api/chats/${chat.id}/attachments`)).json()).items).toEqual([])
  await closeAll(ana, ben)
})

test('an SVG with a script is a download, never rendered, and runs nothing', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert("svg ran")</script><rect width="10" height="10"/></svg>')
  await attach(ana.page, [{ name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: svg }])
  await composer(ana.page).press('Enter')

  const link = messageLog(ben.page).getByRole('link', { name: 'Download drawing.svg' })
  await expect(link).toBeVisible()
  await expect(messageLog(ben.page).getByRole('button', { name: /Open image/ })).toHaveCount(0)
  await expect(messageLog(ben.page).locator('img[src*="/api/attachments/"], object, embed, iframe')).toHaveCount(0)
  const download = ben.page.waitForEvent('download')
  await link.click()
  expect(await readFile((await (await download).path())!)).toEqual(svg)
  expect(ana.dialogs).toEqual([])
  expect(ben.dialogs).toEqual([])
  await closeAll(ana, ben)
})

test('cells copied from a spreadsheet paste as their text, a screenshot alone is attached, and during an edit it is not, saying why', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  const picture = await image(120, 40, '#208040')
  const queue = ana.page.getByRole('list', { name: 'Attached files' })

  // A spreadsheet's Copy holds the cells as text, as a table and as a picture of them.
  await copy(ana.page, { text: 'Q3\t1200', png: picture })
  await composer(ana.page).click()
  await composer(ana.page).press('ControlOrMeta+V')
  await expect(composer(ana.page)).toHaveValue('Q3\t1200')
  await composer(ana.page).press('Enter')
  const cells = messageRows(ben.page, '1200')
  await expect(cells).toContainText('Q3')
  await expect(cells.getByRole('button', { name: /Open image/ })).toHaveCount(0)
  await expect(queue).toHaveCount(0)

  // A screenshot alone is attached.
  await copy(ana.page, { png: picture })
  await composer(ana.page).press('ControlOrMeta+V')
  await expect(queue.getByRole('listitem')).toHaveCount(1)
  await expect(composer(ana.page)).toHaveValue('')
  await composer(ana.page).press('Enter')
  await expect(messageLog(ben.page).getByRole('button', { name: /Open image/ })).toHaveCount(1)

  // An edit cannot take files: the screenshot is not attached, and Ana is told why.
  await expect(messageLog(ana.page).getByRole('button', { name: /Open image/ })).toHaveCount(1)
  await composer(ana.page).press('ArrowUp')
  await expect(composer(ana.page)).toHaveValue('Q3\t1200')
  await composer(ana.page).press('ControlOrMeta+V')
  await expect(ana.page.getByText('Files cannot be added to a message being edited. Send them in a new message.')).toBeVisible()
  await expect(composer(ana.page)).toHaveValue('Q3\t1200')
  await composer(ana.page).press('Escape')
  await expect(queue).toHaveCount(0)
  await closeAll(ana, ben)
})

test('a caption added to a file later can be taken off again; a message of words alone cannot be emptied', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await paste(ana.page, 'chart.png', 'image/png', await image(300, 100, '#c04020'))
  await expect(ana.page.getByRole('list', { name: 'Attached files' })).toContainText('chart.png')
  await composer(ana.page).press('Enter')
  const onBen = messageLog(ben.page).getByRole('button', { name: 'Open image chart.png' })
  await expect(onBen).toBeVisible()

  const row = messageLog(ana.page).locator('[data-seq]').filter({ has: ana.page.getByRole('button', { name: 'Open image chart.png' }) })
  async function edit() {
    await row.hover()
    await row.getByRole('button', { name: 'Message actions' }).click()
    await menuItem(ana.page, 'Edit').click()
  }
  await edit()
  await composer(ana.page).fill('sales by month')
  await composer(ana.page).press('Enter')
  await expect(messageLog(ben.page)).toContainText('sales by month')

  await edit()
  await expect(composer(ana.page)).toHaveValue('sales by month')
  await composer(ana.page).fill('')
  await expect(ana.page.getByRole('button', { name: 'Save' })).toBeEnabled()
  await composer(ana.page).press('Enter')
  await expect(ana.page.getByText('Editing message')).toHaveCount(0)
  await expect(messageLog(ben.page)).not.toContainText('sales by month')
  await expect(onBen).toBeVisible()
  await expect(messageRows(ben.page, 'edited').filter({ has: ben.page.getByRole('button', { name: 'Open image chart.png' }) })).toHaveCount(1)

  // Words alone emptied would be no message: that is Delete, and Save stays off.
  await send(ana.page, 'just words')
  await expect(messageRows(ana.page, 'just words').and(ana.page.locator('[data-seq]'))).toHaveCount(1)
  await composer(ana.page).press('ArrowUp')
  await expect(composer(ana.page)).toHaveValue('just words')
  await composer(ana.page).fill('')
  await expect(ana.page.getByRole('button', { name: 'Save' })).toBeDisabled()
  await closeAll(ana, ben)
})
