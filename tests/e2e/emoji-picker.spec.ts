import { expect, test } from '@playwright/test'
import { closeAll, composer, createDirectChat, messageLog, messageRows, openApp, postMessage, signUpPerson } from './chat-helpers'

test('the emoji picker inserts into the composer and reacts, with its data from Parley itself', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await postMessage(ben, chat.id, 'pick something')
  const foreign: string[] = []
  ana.page.on('request', (request) => {
    if (!request.url().startsWith(baseURL!)) foreign.push(request.url())
  })
  const scripts: Promise<string>[] = []
  ana.page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(response.text().catch(() => ''))
  })
  /** Whether the page has loaded the picker's own code (emoji-picker-element defines its custom element). */
  const pickerLoaded = async () => (await Promise.all(scripts)).some(text => /customElements\.define\(["'`]emoji-picker["'`]/.test(text))
  await openApp(ana, `/chats/${chat.id}`)
  // The first page load brings no picker.
  expect(scripts.length).toBeGreaterThan(0)
  expect(await pickerLoaded()).toBe(false)

  // The composer: type, open the picker, search, pick.
  await composer(ana.page).fill('party ')
  await ana.page.getByRole('button', { name: 'Insert emoji' }).click()
  const picker = ana.page.getByTestId('emoji-picker')
  await picker.getByPlaceholder('Search').fill('party popper')
  await picker.getByRole('option', { name: /party popper/i }).first().click()
  await expect(composer(ana.page)).toHaveValue('party 🎉')
  expect(await pickerLoaded()).toBe(true)

  // A reaction from the full picker.
  const row = messageRows(ana.page, 'pick something')
  await row.hover()
  await row.getByRole('button', { name: 'Add reaction' }).click()
  await ana.page.getByRole('button', { name: 'More emoji' }).click()
  await picker.getByPlaceholder('Search').fill('avocado')
  await picker.getByRole('option', { name: /avocado/i }).first().click()
  await expect(messageLog(ana.page).getByText('🥑 1')).toBeVisible()

  // From the keyboard: "More emoji" hands the focus to the picker's search, where the
  // arrow keys choose and Enter reacts.
  // (The row's tools show on hover or focus; the pointer rests on the row.)
  await row.hover()
  await row.getByRole('button', { name: 'Add reaction' }).focus()
  await ana.page.keyboard.press('Enter')
  const more = ana.page.getByRole('button', { name: 'More emoji' })
  for (let step = 0; step < 15 && !(await more.evaluate(element => element === document.activeElement)); step++) {
    await ana.page.keyboard.press('Tab')
  }
  await expect(more).toBeFocused()
  await ana.page.keyboard.press('Enter')
  await expect(picker.getByPlaceholder('Search')).toBeFocused()
  await ana.page.keyboard.type('pineapple')
  await expect(picker.getByRole('option', { name: /pineapple/i }).first()).toBeVisible()
  await ana.page.keyboard.press('ArrowDown')
  await ana.page.keyboard.press('Enter')
  await expect(messageLog(ana.page).getByText('🍍 1')).toBeVisible()
  expect(foreign).toEqual([])
  await closeAll(ana, ben)
})
