import { expect, test, type Locator } from '@playwright/test'
import { uniqueName } from '../harness/api-client'
import { openPage } from '../harness/open-page'
import { closeAll, signUpPerson, type Person } from './chat-helpers'

// The channel directory (/channels) as a person reads it: each row's member count and
// topic, and a search that takes a name as the directory writes it (docs/ui.md, "Channel directory").

/**
 * Whether `text`, inside `container`, is drawn where it can be seen: its own characters
 * (not only the element holding them) inside every box between it and the container that
 * cuts what overflows (an ellipsis, a line clamp), and inside the window.
 */
function shownWithin(container: Locator, text: string): Promise<boolean> {
  return container.evaluate((root, text) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(text) ?? -1
      if (at === -1) continue
      const range = document.createRange()
      range.setStart(node, at)
      range.setEnd(node, at + text.length)
      const rects = [...range.getClientRects()]
      if (rects.length === 0) return false
      const inside = (rect: DOMRect, box: DOMRect) => rect.left >= box.left - 1 && rect.right <= box.right + 1 && rect.top >= box.top - 1 && rect.bottom <= box.bottom + 1
      const viewport = new DOMRect(0, 0, window.innerWidth, window.innerHeight)
      for (let element = node.parentElement; element; element = element === root ? null : element.parentElement) {
        const style = getComputedStyle(element)
        const cuts = style.overflowX !== 'visible' || style.overflowY !== 'visible'
        if (cuts && !rects.every(rect => inside(rect, element!.getBoundingClientRect()))) return false
      }
      return rects.every(rect => rect.width > 0 && inside(rect, viewport))
    }
    return false
  }, text)
}

const LONG_TOPIC = 'Welcome guests! Ask anything here about the trails, the huts on the ridge, the weather up high, the gear you need for a night out and where to park at the trailhead on a busy weekend.'

/** The directory searched for `search`, which finds one channel: its row, once the list shows the answer. */
async function searchDirectory(person: Person, search: string, name: string): Promise<Locator> {
  await openPage(person.page, '/channels')
  await person.page.getByRole('textbox', { name: 'Search channels' }).fill(search)
  // Before the answer the list shows every channel (two at least): one row is the answer.
  const rows = person.page.getByRole('list', { name: 'Channels' }).getByRole('listitem')
  await expect(rows).toHaveCount(1)
  await expect(rows).toContainText(`#${name}`)
  return rows
}

test('every row of the channel directory shows its member count, whatever the length of its topic, on a phone and on a desktop', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const onPhone = await signUpPerson(browser, baseURL, 'Ben', { viewport: { width: 390, height: 844 } })
  const name = uniqueName('lobby')
  const created = await ana.context.request.post('/api/chats', { data: { type: 'channel', name, topic: LONG_TOPIC } })
  expect(created.status(), await created.text()).toBe(201)

  for (const person of [onPhone, ana]) {
    const row = await searchDirectory(person, name, name)
    await expect(row).toContainText('1 member')
    await expect.poll(() => shownWithin(row, '1 member'), { message: `the count is drawn on ${person.displayName}'s screen` }).toBe(true)
    // The topic's beginning is read in the row, and all of it is its title.
    await expect.poll(() => shownWithin(row, 'Welcome guests!')).toBe(true)
    await expect(row.getByTitle(LONG_TOPIC)).toBeVisible()
  }
  await closeAll(ana, onPhone)
})

test('searching the directory for a channel written as the directory writes it, "#" first, finds it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const name = uniqueName('e-random')
  for (const channel of [name, uniqueName('e-other')]) {
    const created = await ana.context.request.post('/api/chats', { data: { type: 'channel', name: channel } })
    expect(created.status(), await created.text()).toBe(201)
  }
  const row = await searchDirectory(ana, `#${name}`, name)
  await expect(row.getByRole('link', { name: `Open ${name}` })).toBeVisible()
  await closeAll(ana)
})

test('a person who types "cafe" in the directory finds the channel Café (case and accents do not count)', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const name = uniqueName('Café')
  for (const channel of [name, uniqueName('cafeteria')]) {
    const created = await ana.context.request.post('/api/chats', { data: { type: 'channel', name: channel } })
    expect(created.status(), await created.text()).toBe(201)
  }
  const row = await searchDirectory(ana, name.replace('Café', 'cafe'), name)
  await expect(row.getByRole('link', { name: `Open ${name}` })).toBeVisible()
  await closeAll(ana)
})
