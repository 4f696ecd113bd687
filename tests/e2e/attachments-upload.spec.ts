import { readFile, truncate, writeFile } from 'node:fs/promises'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { attach, copy, image, paste, PDF } from './attachment-helpers'
import { anaAndBenInDirectChat, chatList, closeAll, composer, createGroupChat, menuItem, messageLog, messageRows, openApp, send, signUpPerson, type Person } from './chat-helpers'

// Uploads as people make them (docs/attachments.md, "In the app"): one that fails and is
// tried again or removed, one cancelled with its message, an SVG that must never run, the
// clipboard's text and pictures, a caption added and taken off, and files dropped beside the
// message column (on the chat's side panel, on the chat list).

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

/** The messages of the chat that say `content` as stored, with their attachments' names. */
async function stored(person: Person, chatId: string, content: string): Promise<string[][]> {
  const history = await (await person.context.request.get(`/api/chats/${chatId}/messages`)).json()
  return history.items.filter((m: { content: string }) => m.content === content).map((m: { attachments: { name: string }[] }) => m.attachments.map(a => a.name))
}

test('a photo chosen and sent in a tunnel waits for the connection, then goes by itself, once', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  await ana.context.setOffline(true)
  await attach(ana.page, [{ name: 'beach.png', mimeType: 'image/png', buffer: await image(64, 48, '#3080c0') }])
  const queue = ana.page.getByRole('list', { name: 'Attached files' })
  await expect(queue.getByRole('alert')).toHaveText('Waiting for the connection: it uploads once back online.')
  // Sent like a text written offline: it waits with the message.
  await composer(ana.page).fill('the beach from the train')
  await composer(ana.page).press('Enter')
  const pending = messageLog(ana.page).locator('[data-client-id]').filter({ hasText: 'the beach from the train' })
  await expect(pending).toContainText('Sending')

  await ana.context.setOffline(false)
  await expect(messageRows(ben.page, 'the beach from the train')).toHaveCount(1)
  await expect(pending).toHaveCount(0)
  expect(await stored(ben, chat.id, 'the beach from the train')).toEqual([['beach.png']])
  await closeAll(ana, ben)
})

test('a photo whose upload a tunnel cut off is sent by itself once the connection is back, not left "Not sent"', async ({ browser, baseURL }) => {
  const { ana, ben, chat } = await anaAndBenInDirectChat(browser, baseURL)
  // The connection goes while the photo uploads, after the message was sent.
  let enterTunnel!: () => void
  const inTunnel = new Promise<void>((resolve) => {
    enterTunnel = resolve
  })
  await ana.page.route('**/api/chats/*/attachments', async (route) => {
    await inTunnel
    await ana.context.setOffline(true)
    await route.abort('internetdisconnected')
  }, { times: 1 })
  await attach(ana.page, [{ name: 'platform.png', mimeType: 'image/png', buffer: await image(64, 48, '#c08030') }])
  await composer(ana.page).fill('the platform')
  await composer(ana.page).press('Enter')
  const pending = messageLog(ana.page).locator('[data-client-id]').filter({ hasText: 'the platform' })
  await expect(pending).toContainText('Sending')
  enterTunnel()
  await expect(pending.getByRole('alert')).toHaveText('Waiting for the connection: it uploads once back online.')
  await expect(pending).toContainText('Sending')
  await expect(pending).not.toContainText('Not sent')

  await ana.context.setOffline(false)
  await expect(messageRows(ben.page, 'the platform')).toHaveCount(1)
  await expect(pending).toHaveCount(0)
  expect(await stored(ben, chat.id, 'the platform')).toEqual([['platform.png']])
  await closeAll(ana, ben)
})

test('a file over the size limit is refused before it is sent and offers only Remove; a server that was down offers Try again', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  const uploads: string[] = []
  ana.page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/attachments')) uploads.push(request.url())
  })
  // One byte over the server's 25 MiB, chosen from the disk: on a slow link its upload took
  // minutes only to be refused with 413; the app knows the limit and sends none of it.
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
  expect(uploads).toEqual([])

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

/**
 * Drags a file from the desktop and drops it at the middle of `target`, as the browser
 * does it (Chromium's own drag events, so an unhandled drop does what a browser does with
 * it). `during` runs while the file is held over the target.
 */
async function dragFileOnto(page: Page, target: Locator, path: string, during: () => Promise<void>) {
  const box = (await target.boundingBox())!
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  const cdp = await page.context().newCDPSession(page)
  const data = { items: [], files: [path], dragOperationsMask: 1 }
  await cdp.send('Input.dispatchDragEvent', { type: 'dragEnter', ...point, data })
  await cdp.send('Input.dispatchDragEvent', { type: 'dragOver', ...point, data })
  await during()
  await cdp.send('Input.dispatchDragEvent', { type: 'drop', ...point, data })
}

test('a file dropped on the open Files panel attaches to the chat; dropped on the chat list it is refused and the app stays', async ({ browser, baseURL }, testInfo) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ana, 'Crew', [ben])
  const notes = testInfo.outputPath('notes.txt')
  await writeFile(notes, 'the notes of the meeting')
  await openApp(ana, `/chats/${group.id}`)
  await ana.page.getByRole('button', { name: 'Files', exact: true }).click()
  const panel = ana.page.getByRole('region', { name: 'Files' })
  await expect(panel.getByText('No files shared here yet.')).toBeVisible()
  const attached = ana.page.getByRole('list', { name: 'Attached files' })

  // Over the chat list no chat takes the file: no outline, and the drop leaves the app where it was.
  // Headless Chromium opens no dropped file, so what it would do is read from the events as
  // the browser does: a drop handled (default prevented) is never opened, a 'none' effect is refused.
  await ana.page.evaluate(() => {
    const seen: string[] = []
    Object.assign(window, { fileDragsSeen: seen })
    for (const type of ['dragover', 'drop']) {
      window.addEventListener(type, (event) => {
        const drag = event as DragEvent
        seen.push(`${type} ${drag.defaultPrevented ? 'handled' : 'unhandled'} ${drag.dataTransfer?.dropEffect}`)
      })
    }
  })
  await dragFileOnto(ana.page, chatList(ana.page), notes, async () => {
    await expect(ana.page.getByText('Drop files to attach them')).toHaveCount(0)
  })
  // (With the effect 'none' the browser may not fire the drop at all.)
  const seen = await ana.page.evaluate(() => (window as unknown as { fileDragsSeen: string[] }).fileDragsSeen)
  expect(seen[0]).toBe('dragover handled none')
  expect(seen.filter(event => !event.includes(' handled') || (event.startsWith('dragover') && !event.endsWith(' none')))).toEqual([])
  await expect(composer(ana.page)).toBeVisible()
  expect(new URL(ana.page.url()).pathname).toBe(`/chats/${group.id}`)
  await expect(attached).toHaveCount(0)

  // Over the Files panel the conversation is outlined and the file goes to its composer.
  await dragFileOnto(ana.page, panel, notes, async () => {
    await expect(ana.page.getByText('Drop files to attach them')).toBeVisible()
  })
  await expect(attached).toContainText('notes.txt')
  await expect(ana.page.getByText('Drop files to attach them')).toHaveCount(0)
  await composer(ana.page).press('Enter')
  await expect(messageLog(ana.page)).toContainText('notes.txt')
  await closeAll(ana, ben)
})
