import { expect, test, type Response } from '@playwright/test'
import { anaAndBenInDirectChat, chatList, closeAll, composer, createDirectChat, messageLog, messageRows, openApp, send, signUpPerson } from './chat-helpers'

test('a link in a message is clickable and opens in a new tab without the opener', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  // The app's own origin: a test never reaches outside the machine.
  const url = `${baseURL}/favicon.svg?from=link`
  await send(ana.page, `the form is at ${url} and **bold** too`)
  const link = messageLog(ben.page).getByRole('link', { name: url })
  await expect(link).toHaveAttribute('target', '_blank')
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow')
  await expect(messageLog(ben.page).locator('strong')).toHaveText('bold')
  const [tab] = await Promise.all([ben.context.waitForEvent('page'), link.click()])
  await expect(tab).toHaveURL(url)
  expect(await tab.evaluate(() => window.opener)).toBeNull()
  await closeAll(ana, ben)
})

test('fenced code keeps its layout, scrolls sideways, and is highlighted by a script loaded only when needed', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  const scripts: string[] = []
  const record = async (response: Response) => {
    if (response.request().resourceType() === 'script') scripts.push(await response.text().catch(() => ''))
  }
  ben.page.on('response', record)
  await openApp(ana, `/chats/${chat.id}`)
  await openApp(ben, `/chats/${chat.id}`)
  // The first page load brings no highlighter.
  expect(scripts.length).toBeGreaterThan(0)
  expect(scripts.filter(text => text.includes('highlightAuto'))).toEqual([])

  const code = `const greeting = "<b>hi</b>"\n    if (ready) {\n        wave()   // three spaces before this\n    }\nconst long = "${'x'.repeat(300)}"`
  // Typed as a person types it: Shift+Enter for each new line.
  await composer(ana.page).click()
  const lines = `\`\`\`js\n${code}\n\`\`\``.split('\n')
  for (const [index, line] of lines.entries()) {
    await composer(ana.page).pressSequentially(line)
    if (index < lines.length - 1) await composer(ana.page).press('Shift+Enter')
  }
  await composer(ana.page).press('Enter')

  const pre = messageLog(ben.page).locator('pre')
  await expect(pre).toHaveCount(1)
  expect(await pre.evaluate(element => element.textContent)).toBe(code)
  await expect(pre.locator('.hljs-keyword').first()).toBeVisible()
  expect(await pre.evaluate(element => element.textContent)).toBe(code)
  expect(await pre.evaluate(element => element.scrollWidth > element.clientWidth)).toBe(true)
  expect(await pre.evaluate(element => getComputedStyle(element).overflowX)).toBe('auto')
  // The block's code is not drawn as inline code inside it (a second background, padding, a smaller size).
  const styleOf = (element: Element) => ({ background: getComputedStyle(element).backgroundColor, padding: getComputedStyle(element).padding, fontSize: getComputedStyle(element).fontSize })
  expect(await pre.locator('code').evaluate(styleOf)).toEqual({ background: 'rgba(0, 0, 0, 0)', padding: '0px', fontSize: '13.6px' })
  // The row itself does not grow past the log: only the code scrolls.
  const log = await messageLog(ben.page).boundingBox()
  const box = await pre.boundingBox()
  expect(box!.x + box!.width).toBeLessThanOrEqual(log!.x + log!.width)
  expect(scripts.filter(text => text.includes('highlightAuto')).length).toBeGreaterThan(0)

  // The copy button puts the code, exactly, on the clipboard.
  await ben.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  await messageLog(ben.page).getByRole('button', { name: 'Copy code' }).click()
  await expect(messageLog(ben.page).getByRole('button', { name: 'Copied' })).toBeVisible()
  expect(await ben.page.evaluate(() => navigator.clipboard.readText())).toBe(code)
  await closeAll(ana, ben)
})

test('each paragraph reads in the direction of its own language, in the message, its quote and the chat list', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await send(ana.page, 'Meeting at noon?\nשלום, נתראה בצהריים\n- مرحبا بالجميع')
  const row = messageRows(ben.page, 'Meeting at noon?')
  const direction = (element: Element) => getComputedStyle(element).direction
  await expect(row.locator('p')).toHaveCount(1)
  expect(await row.locator('p').evaluate(direction)).toBe('ltr')
  // Hebrew and Arabic read right to left even under an English line.
  expect(await row.locator('li').evaluate(direction)).toBe('rtl')
  await send(ana.page, 'שלום, נתראה בצהריים')
  // The first message has the line too: the second is the last of two rows.
  await expect(messageRows(ben.page, 'שלום, נתראה בצהריים')).toHaveCount(2)
  const hebrew = messageRows(ben.page, 'שלום, נתראה בצהריים').last()
  expect(await hebrew.locator('p').evaluate(direction)).toBe('rtl')
  expect(await chatList(ben.page).getByText('שלום, נתראה בצהריים').evaluate(direction)).toBe('rtl')
  await closeAll(ana, ben)
})

test('the composer hints at formatting, pasted text keeps its line breaks, and Ctrl+B makes the selection bold', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  await openApp(ana, `/chats/${chat.id}`)
  await ana.page.evaluate(() => navigator.clipboard.writeText('first line\nsecond line'))
  await composer(ana.page).click()
  // Writing, one sees how to format and how to start a new line.
  await expect(ana.page.getByText('**bold**  _italic_  ~~strike~~')).toBeVisible()
  await expect(ana.page.getByText('Shift+Enter: new line', { exact: false })).toBeVisible()
  await composer(ana.page).press('ControlOrMeta+V')
  await expect(composer(ana.page)).toHaveValue('first line\nsecond line')
  await composer(ana.page).press('Shift+Enter')
  await composer(ana.page).pressSequentially('loud')
  await composer(ana.page).press('Shift+ArrowLeft')
  await composer(ana.page).press('Shift+ArrowLeft')
  await composer(ana.page).press('Shift+ArrowLeft')
  await composer(ana.page).press('Shift+ArrowLeft')
  await composer(ana.page).press('ControlOrMeta+B')
  await expect(composer(ana.page)).toHaveValue('first line\nsecond line\n**loud**')
  await composer(ana.page).press('Enter')
  const row = messageRows(ana.page, 'second line').and(ana.page.locator('[data-seq]'))
  await expect(row.locator('strong')).toHaveText('loud')
  await expect(row.locator('.message__content br')).toHaveCount(2)
  await closeAll(ana, ben)
})

test('a script payload stays text and opens no dialog', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  const payloads = [
    '[click me](javascript:alert(1))',
    '<script>alert(2)</script><img src=x onerror=alert(3)>',
    '```html\n<img src=x onerror=alert(4)>\n```',
    '**<svg onload=alert(5)>** [x](data:text/html,<script>alert(6)</script>)',
  ]
  for (const payload of payloads) await send(ana.page, payload)
  await expect(messageLog(ben.page).locator('[data-seq]')).toHaveCount(payloads.length)
  await expect(messageRows(ben.page, '[click me](javascript:alert(1))')).toHaveCount(1)
  await expect(messageRows(ben.page, '<script>alert(2)</script><img src=x onerror=alert(3)>')).toHaveCount(1)
  await expect(messageLog(ben.page).locator('pre')).toHaveText('<img src=x onerror=alert(4)>')
  for (const page of [ana.page, ben.page]) {
    await expect(messageLog(page).locator('a')).toHaveCount(0)
    await expect(messageLog(page).locator('img, script, svg:not(.v-icon svg)')).toHaveCount(0)
  }
  expect(ana.dialogs).toEqual([])
  expect(ben.dialogs).toEqual([])
  await closeAll(ana, ben)
})

// Typing ``` and Enter, as in Slack or Mattermost, opens a code block (docs/messages.md,
// "In the app"): the Enter used to send "```" alone, an empty grey box with a blank unread
// for the others, and each next line went as a message of its own.
test('Enter inside an open code block breaks the line, and a message that would show nothing is not sent', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  const field = composer(ana.page)
  await field.pressSequentially('```')
  await field.press('Enter')
  await field.pressSequentially('const train = "8:15"')
  await field.press('Enter')
  await field.pressSequentially('```')
  await expect(field).toHaveValue('```\nconst train = "8:15"\n```')
  await field.press('Enter')
  await expect(field).toHaveValue('')
  const sent = messageLog(ben.page).locator('[data-seq]')
  await expect(sent).toHaveCount(1)
  await expect(sent.locator('pre')).toHaveText('const train = "8:15"')

  // Fences alone would show an empty box: the text stays in the field, nothing goes.
  await field.fill('```\n\n```')
  await field.press('Enter')
  await expect(field).toHaveValue('```\n\n```')
  await expect(ana.page.getByRole('button', { name: 'Send' })).toBeDisabled()

  // Ctrl/Cmd+Enter still sends inside an open block.
  await field.fill('```\nunclosed')
  await field.press('ControlOrMeta+Enter')
  await expect(field).toHaveValue('')
  await expect(sent).toHaveCount(2)
  await expect(messageLog(ana.page).locator('[data-seq]')).toHaveCount(2)
  // The block runs to the message's end, as in Markdown: the words show in it, never an empty box.
  for (const page of [ana.page, ben.page]) await expect(messageLog(page).locator('[data-seq]').nth(1).locator('pre')).toHaveText('unclosed')
  await closeAll(ana, ben)
})

test('emoji shortcodes: ":tad" offers 🎉, Enter picks it, and a whole ":+1:" sent as typed shows as 👍, code keeping its text', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  const field = composer(ana.page)
  await field.click()
  await field.pressSequentially(':tad')
  const options = ana.page.getByRole('listbox', { name: 'Emoji' })
  await expect(options.getByRole('option').first()).toContainText('🎉')
  await expect(field).toHaveAttribute('aria-activedescendant', /-emoji-0$/)
  await field.press('Enter')
  await expect(options).toBeHidden()
  await expect(field).toHaveValue('🎉')
  await field.pressSequentially(' :+1: thanks')
  await field.press('Enter')
  // The data's thumbs up carries the emoji variation selector (U+FE0F), as the picker's does.
  await expect(messageLog(ben.page)).toContainText(/🎉 👍\uFE0F? thanks/)
  await expect(messageRows(ben.page, 'thanks')).not.toContainText(':+1:')

  // Escape closes the list; code keeps its shortcode and an unknown one stays text.
  await field.pressSequentially('run `:tada:` :tad')
  await expect(options).toBeVisible()
  await field.press('Escape')
  await expect(options).toBeHidden()
  await field.pressSequentially('a: :nope:')
  await field.press('Enter')
  await expect(messageLog(ben.page).locator('code')).toHaveText(':tada:')
  await expect(messageRows(ben.page, 'run')).toHaveText(/run :tada: 🎉 :nope:/)
  await closeAll(ana, ben)
})
