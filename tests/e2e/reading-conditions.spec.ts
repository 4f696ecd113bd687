import { expect, test, type Browser, type BrowserContextOptions, type Locator } from '@playwright/test'
import { closeAll, composer, createGroupChat, messageLog, messageRows, openApp, postMessage, signUpPerson, type Person } from './chat-helpers'

/**
 * How people read the app under other conditions than a desktop at 100 %: zoomed to 400 %
 * (a 1280 px screen is 320 CSS px wide, with a mouse), right-to-left languages, long names,
 * Windows' high contrast (forced colours). Each test measures what is on screen.
 */

/** A person on a device of their own: a mouse, not a touch screen, unless the options say so. */
function personOn(browser: Browser, baseURL: string | undefined, displayName: string, device: BrowserContextOptions = {}): Promise<Person> {
  return signUpPerson(browser, baseURL, displayName, { device, usernameStem: displayName.toLowerCase().slice(0, 8) || 'p' })
}

const box = async (locator: Locator) => {
  const found = await locator.boundingBox()
  expect(found).not.toBeNull()
  return found!
}

test('at 400 % zoom, typing keeps the composer to one or two lines and the messages readable above it', async ({ browser, baseURL }) => {
  const ana = await personOn(browser, baseURL, 'Ana', { viewport: { width: 320, height: 256 }, deviceScaleFactor: 2 })
  const ben = await personOn(browser, baseURL, 'Ben')
  const chat = await createGroupChat(ana, 'Zoomed', [ben])
  for (const line of ['first', 'second', 'third', 'fourth']) await postMessage(ben, chat.id, `the ${line} message of the morning`)
  await openApp(ana, `/chats/${chat.id}`)
  await composer(ana.page).click()
  await composer(ana.page).pressSequentially('hello team')
  // One line of field (about 56 px with its padding), a second at most for a short hint.
  expect((await box(ana.page.locator('.composer'))).height).toBeLessThanOrEqual(90)
  // At least three lines of conversation stay on screen (the old hint left 16 px).
  expect((await box(messageLog(ana.page))).height).toBeGreaterThanOrEqual(90)
  await expect(messageLog(ana.page).getByText('the first message of the morning')).toBeInViewport()

  // A phone-sized window, taller: the same.
  await ana.page.setViewportSize({ width: 320, height: 640 })
  await composer(ana.page).pressSequentially('!')
  expect((await box(ana.page.locator('.composer'))).height).toBeLessThanOrEqual(90)

  // A wide screen keeps the whole formatting hint, on one line.
  await ana.page.setViewportSize({ width: 1280, height: 800 })
  const hint = ana.page.getByText('Shift+Enter: new line', { exact: false })
  await expect(hint).toBeVisible()
  await expect(ana.page.getByText('**bold**  _italic_  ~~strike~~', { exact: false })).toBeVisible()
  expect((await box(hint)).height).toBeLessThanOrEqual(24)
  await closeAll(ana, ben)
})

/** The composer's hints (composables/useComposerHint.ts). */
const FORMATTING_HINT = '**bold**  _italic_  ~~strike~~  `code`  ```code block```  > quote · Shift+Enter: new line'
const NEW_LINE_HINT = 'Shift+Enter: new line'

test('the formatting hint shows at every width where it fits on one line, and only there', async ({ browser, baseURL }) => {
  // Some 30 window sizes, each a resize and a layout: about 20 s on a loaded machine, after the sign-ups.
  test.setTimeout(120_000)
  const ana = await personOn(browser, baseURL, 'Ana', { viewport: { width: 1280, height: 800 } })
  const ben = await personOn(browser, baseURL, 'Ben')
  const chat = await createGroupChat(ana, 'Widths', [ben])
  for (const line of ['first', 'second', 'third']) await postMessage(ben, chat.id, `the ${line} message of the day`)
  await openApp(ana, `/chats/${chat.id}`)
  await composer(ana.page).click()
  /**
   * What the hint line under the field shows, and which hint would fit there unwrapped: each
   * laid out as the field's hint is (its font, spacing and inset), on one line, against the
   * field's width.
   */
  const hintLine = () => ana.page.evaluate(({ formatting, newLine }) => {
    const field = document.querySelector<HTMLElement>('.composer .v-textarea')!
    const room = field.clientWidth - parseFloat(getComputedStyle(field).paddingLeft) - parseFloat(getComputedStyle(field).paddingRight)
    const line = document.createElement('div')
    line.className = 'v-input__details'
    line.style.cssText = 'position: absolute; visibility: hidden; white-space: nowrap; width: max-content'
    line.innerHTML = '<div class="v-messages"><div class="v-messages__message"></div></div>'
    field.append(line)
    const fits = (text: string) => {
      line.querySelector('.v-messages__message')!.textContent = text
      return line.getBoundingClientRect().width <= room
    }
    const fitting = fits(formatting) ? formatting : fits(newLine) ? newLine : ''
    line.remove()
    const shown = [...field.querySelectorAll<HTMLElement>('.v-messages__message')]
    return { fitting, shown: shown.map(message => message.textContent), lines: shown.map(message => Math.round(message.getBoundingClientRect().height / 12)) }
  }, { formatting: FORMATTING_HINT, newLine: NEW_LINE_HINT })
  const sizes = [
    ...Array.from({ length: 25 }, (_, step) => ({ width: 320 + 40 * step, height: 800 })),
    { width: 844, height: 390 }, // a phone in landscape
    { width: 1280, height: 1024 }, { width: 640, height: 512 }, { width: 320, height: 256 }, // 100, 200, 400 % zoom
  ]
  const seen = new Set<string>()
  for (const size of sizes) {
    await ana.page.setViewportSize(size)
    const at = `${size.width}x${size.height}`
    // The hint that fits, alone and on one line (an old one still leaving is waited out).
    await expect.poll(async () => {
      const { fitting, shown, lines } = await hintLine()
      seen.add(fitting)
      const right = shown.length === (fitting ? 1 : 0) && shown.every(text => text === fitting) && lines.every(count => count === 1)
      return right ? 'the hint that fits, on one line' : JSON.stringify({ fitting, shown, lines })
    }, { message: at }).toBe('the hint that fits, on one line')
    // The conversation keeps a usable height above the composer: at most two lines of field
    // (the placeholder wraps on a narrow one) and the hint's one.
    expect((await box(ana.page.locator('.composer'))).height, at).toBeLessThanOrEqual(104)
    expect((await box(messageLog(ana.page))).height, at).toBeGreaterThanOrEqual(90)
  }
  // Every case was met: the whole hint, the short one, none.
  expect([...seen].sort()).toEqual(['', FORMATTING_HINT, NEW_LINE_HINT].sort())
  await closeAll(ana, ben)
})

test('at 400 % zoom the search dialog scrolls as one: "Only this chat" and the results are each reached, seen and used', async ({ browser, baseURL }) => {
  const ana = await personOn(browser, baseURL, 'Ana', { viewport: { width: 320, height: 256 }, deviceScaleFactor: 2 })
  const ben = await personOn(browser, baseURL, 'Ben')
  const chat = await createGroupChat(ana, 'Picnics', [ben])
  const elsewhere = await createGroupChat(ana, 'Elsewhere', [ben])
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) await postMessage(ben, chat.id, `picnic on ${day}`)
  await postMessage(ben, elsewhere.id, 'picnic photos from last year')
  await openApp(ana, `/chats/${chat.id}`)
  await ana.page.getByRole('button', { name: 'Search in this chat' }).click()
  const dialog = ana.page.getByRole('dialog', { name: 'Search messages' })
  const field = dialog.getByRole('textbox', { name: 'Search' })
  await field.fill('picnic')
  const results = dialog.getByRole('list', { name: 'Search results' }).getByRole('link')
  await expect(results).toHaveCount(5)
  // The field and the box are on screen whole, not cut by a strip of their own.
  const onlyThisChat = dialog.getByRole('checkbox', { name: 'Only this chat' })
  await expect(field).toBeInViewport({ ratio: 1 })
  await expect(dialog.getByText('Only this chat')).toBeInViewport({ ratio: 1 })
  // By keyboard: Tab from the field reaches the box, on screen, and Space unticks it.
  await expect(field).toBeFocused()
  await ana.page.keyboard.press('Tab')
  await expect(onlyThisChat).toBeFocused()
  await expect(dialog.getByText('Only this chat')).toBeInViewport({ ratio: 1 })
  await ana.page.keyboard.press('Space')
  await expect(onlyThisChat).not.toBeChecked()
  await expect(results).toHaveCount(6)
  // With the wheel over the results, the one scroll area reads them to the last one...
  const middle = await box(dialog.getByRole('list', { name: 'Search results' }))
  await ana.page.mouse.move(middle.x + middle.width / 2, Math.min(middle.y + 10, 200))
  await ana.page.mouse.wheel(0, 2000)
  await expect(results.last()).toBeInViewport({ ratio: 1 })
  // ...and back up, to the field and the box again, which a click ticks.
  await ana.page.mouse.wheel(0, -2000)
  await expect(field).toBeInViewport({ ratio: 1 })
  await expect(dialog.getByText('Only this chat')).toBeInViewport({ ratio: 1 })
  await dialog.getByText('Only this chat').click()
  await expect(onlyThisChat).toBeChecked()
  await expect(results).toHaveCount(5)
  await closeAll(ana, ben)
})

test('Arabic and Hebrew lists and quotes keep their bullets, numbers and bar inside the bubble, on the side the text starts', async ({ browser, baseURL }) => {
  const ana = await personOn(browser, baseURL, 'Ana', { viewport: { width: 320, height: 640 }, deviceScaleFactor: 2 })
  const ben = await personOn(browser, baseURL, 'Ben')
  const chat = await createGroupChat(ana, 'Lists', [ben])
  await openApp(ana, `/chats/${chat.id}`)
  // Ana's own messages: at 320 px their bubbles touch the screen's right edge.
  for (const content of ['- بند أول\n- second item\n\n> اقتباس quote', '1. الخطوة الأولى\n2. الخطوة الثانية', '> هذا اقتباس كامل بالعربية']) {
    await composer(ana.page).fill(content)
    await composer(ana.page).press('Enter')
  }
  const log = messageLog(ana.page)
  await expect(log.getByText('هذا اقتباس كامل بالعربية')).toBeVisible()

  /** Each item starts a marker's width inside the bubble, on its own text's start side. */
  async function itemsIndentedInside(row: Locator) {
    const bubble = await box(row.locator('.bubble'))
    const items = row.locator('li')
    for (let index = 0; index < await items.count(); index++) {
      const item = items.nth(index)
      const rightToLeft = await item.evaluate(element => getComputedStyle(element).direction === 'rtl')
      const itemBox = await box(item)
      // 10 px of bubble padding, then the marker's room.
      const inset = rightToLeft ? bubble.x + bubble.width - (itemBox.x + itemBox.width) : itemBox.x - bubble.x
      expect(inset, `item ${index + 1} (${rightToLeft ? 'rtl' : 'ltr'})`).toBeGreaterThanOrEqual(20)
      expect(itemBox.x).toBeGreaterThanOrEqual(bubble.x)
      expect(itemBox.x + itemBox.width).toBeLessThanOrEqual(bubble.x + bubble.width)
    }
    expect(bubble.x + bubble.width).toBeLessThanOrEqual(320)
  }
  const direction = (element: Element) => getComputedStyle(element).direction
  const mixed = messageRows(ana.page, 'بند أول')
  expect(await mixed.locator('ul').evaluate(direction)).toBe('rtl')
  await itemsIndentedInside(mixed)
  const numbered = messageRows(ana.page, 'الخطوة الأولى')
  expect(await numbered.locator('ol').evaluate(direction)).toBe('rtl')
  await itemsIndentedInside(numbered)
  // The quote's bar is on the right of an Arabic quote.
  for (const quote of [mixed.locator('blockquote'), messageRows(ana.page, 'هذا اقتباس كامل').locator('blockquote')]) {
    expect(await quote.evaluate(direction)).toBe('rtl')
    expect(await quote.evaluate(element => getComputedStyle(element).borderRightWidth)).toBe('3px')
    expect(await quote.evaluate(element => getComputedStyle(element).borderLeftStyle)).toBe('none')
  }
  await closeAll(ana, ben)
})

test('a long display name is cut with an ellipsis: the conversation never scrolls sideways at 320 px', async ({ browser, baseURL }) => {
  const longName = 'Maximiliana-Wolfeschlegelsteinhausenbergerdorff-Alexandrovna-Q'
  const ana = await personOn(browser, baseURL, 'Ana', { viewport: { width: 320, height: 640 }, deviceScaleFactor: 2 })
  const max = await personOn(browser, baseURL, longName)
  const chat = await createGroupChat(max, 'Names', [ana])
  await postMessage(max, chat.id, 'hello from me')
  await openApp(ana, `/chats/${chat.id}`)
  const row = messageRows(ana.page, 'hello from me')
  const name = row.locator('.message__header').getByText(longName)
  await expect(name).toBeVisible()
  const header = await box(row.locator('.message__header'))
  expect(header.x + header.width).toBeLessThanOrEqual(320)
  const sideways = await messageLog(ana.page).evaluate((log) => {
    const scroller = log.closest('.message-list__scroller') ?? log
    return { scroller: scroller.scrollWidth - scroller.clientWidth, page: document.documentElement.scrollWidth - document.documentElement.clientWidth }
  })
  expect(sideways).toEqual({ scroller: 0, page: 0 })
  // The whole name is still there for a pointer (its tooltip) and a screen reader (the text).
  await expect(name).toHaveAttribute('title', longName)
  await closeAll(ana, max)
})

test('a mention inside Arabic or Hebrew text reads @name, the at sign first', async ({ browser, baseURL }) => {
  const ana = await personOn(browser, baseURL, 'Ana')
  const ben = await personOn(browser, baseURL, 'Ben')
  const chat = await createGroupChat(ana, 'Bidi', [ben])
  await postMessage(ana, chat.id, `שלום @${ben.username} מה שלומך`)
  await postMessage(ana, chat.id, `مرحبا @${ben.username} كيف الحال؟`)
  await openApp(ben, `/chats/${chat.id}`)
  for (const start of ['שלום', 'مرحبا']) {
    const mention = messageRows(ben.page, start).locator('[data-mention]')
    await expect(mention).toHaveText(`@${ben.username}`)
    // The @'s glyph is left of the name's first letter, as in "@ben_…" (not "ben_…@").
    const order = await mention.evaluate((element) => {
      const text = element.firstChild!
      const glyph = (from: number) => {
        const range = document.createRange()
        range.setStart(text, from)
        range.setEnd(text, from + 1)
        return range.getBoundingClientRect().x
      }
      return { at: glyph(0), first: glyph(1) }
    })
    expect(order.at, start).toBeLessThan(order.first)
  }
  await closeAll(ana, ben)
})

test('in forced colours (high contrast) bubbles have edges and a message that mentions me stands out', async ({ browser, baseURL }) => {
  const ana = await personOn(browser, baseURL, 'Ana')
  const ben = await personOn(browser, baseURL, 'Ben', { forcedColors: 'active' })
  const chat = await createGroupChat(ana, 'Contrast', [ben])
  await postMessage(ana, chat.id, 'nothing for Ben here')
  await postMessage(ana, chat.id, `look at this @${ben.username}`)
  await openApp(ben, `/chats/${chat.id}`)
  const styleOf = (locator: Locator) => locator.evaluate((element) => {
    const style = getComputedStyle(element)
    const start = style.direction === 'rtl' ? 'Right' : 'Left'
    return {
      start: parseFloat(style[`border${start}Width`]) * (style[`border${start}Style`] === 'none' ? 0 : 1),
      top: parseFloat(style.borderTopWidth) * (style.borderTopStyle === 'none' ? 0 : 1),
      outline: parseFloat(style.outlineWidth) * (style.outlineStyle === 'none' ? 0 : 1),
    }
  })
  const plain = await styleOf(messageRows(ben.page, 'nothing for Ben').locator('.bubble'))
  const mentioning = await styleOf(messageRows(ben.page, 'look at this').locator('.bubble'))
  // Every bubble has an edge; the one that mentions Ben a thick bar on its start side.
  expect(plain.top).toBeGreaterThanOrEqual(1)
  expect(mentioning.start).toBeGreaterThanOrEqual(3)
  expect(mentioning.start).toBeGreaterThan(plain.start)
  // The mention of Ben is outlined, where its tint is gone.
  const mention = await styleOf(messageRows(ben.page, 'look at this').locator('[data-mention]'))
  expect(mention.outline).toBeGreaterThanOrEqual(1)
  await closeAll(ana, ben)
})
