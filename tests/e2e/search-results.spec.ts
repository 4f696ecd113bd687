import { expect, test, type Locator } from '@playwright/test'
import { closeAll, createGroupChat, openApp, postMessage, signUpPerson } from './chat-helpers'

// What a search result shows (docs/ui.md, "A search result shows where it matched"): the
// part of the message around the match with the matched words marked, and the chat's
// whole name, on a phone too.

const phone = { width: 390, height: 844 }

/** Whether the element's own box hides part of what it holds (an ellipsis, clamped lines). */
async function isCut(locator: Locator) {
  return locator.evaluate(element => element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1)
}

test('on a phone a search result shows the words matched at the end of a long message, marked, and the chat\'s whole name', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport: phone })
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const spring = await createGroupChat(ben, 'Launch crew planning, spring edition', [ana])
  const autumn = await createGroupChat(ben, 'Launch crew planning, autumn edition', [ana])
  await postMessage(ben, spring.id, [
    'Quick recap of the long planning thread: we keep the budget as agreed, the caterer confirmed the vegetarian menu,',
    'the band plays from eight, the shuttle leaves the station every twenty minutes, tickets are sold at the door only,',
    'volunteers meet at six for the briefing, and the venue is the **Lighthouse**',
  ].join(' '))
  await postMessage(ben, autumn.id, 'The autumn venue is not the lighthouse this time')

  await openApp(ana, '/')
  await ana.page.getByRole('button', { name: 'Search messages' }).tap()
  const dialog = ana.page.getByRole('dialog', { name: 'Search messages' })
  await expect(dialog.getByRole('textbox', { name: 'Search' })).toBeFocused()
  await ana.page.keyboard.type('lighthouse')
  const results = dialog.getByRole('list', { name: 'Search results' }).getByRole('link')
  await expect(results).toHaveCount(2)

  const recap = results.filter({ hasText: 'spring edition' })
  await expect(recap).toHaveCount(1)
  // The match is shown and marked, as the message writes it (a different case, no Markdown).
  const marked = recap.locator('mark')
  await expect(marked).toHaveText('Lighthouse')
  await expect(recap).toContainText('…')
  await expect(recap).toContainText('the venue is the Lighthouse')
  // Shown, not clipped away by the result's bounded lines (a hidden line lies below the result) or the screen's edge.
  await expect(marked).toBeInViewport()
  const [markBox, resultBox] = [await marked.boundingBox(), await recap.boundingBox()]
  expect(markBox!.y + markBox!.height).toBeLessThanOrEqual(resultBox!.y + resultBox!.height)
  expect(markBox!.x + markBox!.width).toBeLessThanOrEqual(resultBox!.x + resultBox!.width)
  // Each result names its chat in full, so two chats of similar names are told apart.
  for (const [result, name] of [[recap, 'Launch crew planning, spring edition'], [results.filter({ hasText: 'autumn venue' }), 'Launch crew planning, autumn edition']] as const) {
    const title = result.getByText(name)
    await expect(title).toBeVisible()
    expect(await isCut(title)).toBe(false)
    await expect(result.locator('mark')).toHaveText(/^lighthouse$/i)
  }
  await closeAll(ana, ben)
})
